import { describe, expect, it } from 'vitest'
import { TokenBucket, TokenBuckets } from './token-bucket.js'

describe('send buckets', () => {
  it('allows the burst, then the rate', () => {
    let now = 0
    const bucket = new TokenBucket(2, 3, () => now)
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false])
    now += 500
    expect([bucket.take(), bucket.take()]).toEqual([true, false])
  })

  it('drops idle keys once their buckets have refilled, and only those', () => {
    let now = 0
    const buckets = new TokenBuckets(60_000, () => now)
    for (let i = 0; i < 1_000; i++) buckets.take(`app/user${i}`, 5, 10)
    expect(buckets.size).toBe(1_000)
    // One user keeps sending flat out; everyone else goes quiet for a minute.
    for (let second = 0; second < 60; second++) {
      now += 1_000
      for (let i = 0; i < 6; i++) buckets.take('app/busy', 5, 10)
    }
    now += 1
    buckets.take('app/busy', 5, 10) // the first take after sweepMs sweeps
    expect(buckets.size).toBe(1)
    // The busy user's state survived the sweep: still rate limited.
    expect(buckets.take('app/busy', 5, 10)).toBe(false)
    // A returning user starts with a full burst, exactly as if never forgotten.
    const back = Array.from({ length: 11 }, () => buckets.take('app/user1', 5, 10))
    expect(back.filter(Boolean)).toHaveLength(10)
  })
})
