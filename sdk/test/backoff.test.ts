import { describe, expect, it } from 'vitest'
import { backoff } from '../src/index.js'
import { ANSWERED_MAX_MS, answeredBackoff } from '../src/backoff.js'

describe('backoff', () => {
  it('never waits less than the minimum or more than the cap', () => {
    for (let attempt = 0; attempt < 40; attempt++) {
      for (const r of [0, 0.25, 0.5, 0.999999]) {
        const delay = backoff(attempt, {}, () => r)
        expect(delay).toBeGreaterThanOrEqual(500)
        expect(delay).toBeLessThanOrEqual(2_000)
      }
    }
  })

  it('widens the window exponentially until it hits the cap', () => {
    const top = (attempt: number) => backoff(attempt, { min: 100, max: 5000 }, () => 1)
    expect([0, 1, 2, 3, 4, 5, 6].map(top)).toEqual([200, 300, 500, 900, 1700, 3300, 5000])
    expect(top(1000)).toBe(5000)
  })

  it('spreads clients out: the delay is uniformly jittered across the window', () => {
    const attempt = 3
    const wide = { max: 20_000 }
    const low = backoff(attempt, wide, () => 0)
    const mid = backoff(attempt, wide, () => 0.5)
    const high = backoff(attempt, wide, () => 1)
    expect(low).toBe(500)
    expect(mid).toBe(500 + 0.5 * 4000)
    expect(high).toBe(4500)
    const samples = new Set(Array.from({ length: 50 }, () => backoff(attempt, wide)))
    expect(samples.size).toBeGreaterThan(40)
  })

  it('after a live server answered, never waits more than a second, however many attempts', () => {
    expect(answeredBackoff(30, {}, () => 1)).toBe(ANSWERED_MAX_MS)
    expect(answeredBackoff(30, { max: 20_000 }, () => 1)).toBe(1_000)
    expect(answeredBackoff(0, {}, () => 0)).toBe(250)
    expect(backoff(30, { max: 20_000 }, () => 1)).toBe(20_000) // a raised ceiling still applies to unreachable servers
  })
})
