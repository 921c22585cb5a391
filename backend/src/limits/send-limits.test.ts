import { describe, expect, it } from 'vitest'
import { DEFAULT_LIMITS } from '@roomful/sdk/protocol'
import { RoomfulError } from '../errors.js'
import { MemoryRateLimiter } from './rate-limiter.memory.js'
import { SendLimits } from './send-limits.js'

const allowance = Math.max(DEFAULT_LIMITS.sendBurst, DEFAULT_LIMITS.sendsPerSecond)

function limits(solo: Set<string>) {
  const calls: Array<{ key: string; count: number }> = []
  const limiter = new MemoryRateLimiter()
  const counted = {
    hit: (key: string, rule: { limit: number; windowMs: number }, count = 1) => {
      calls.push({ key, count })
      return limiter.hit(key, rule, count)
    },
  }
  const onError = (err: unknown) => {
    throw err
  }
  return { calls, sendLimits: new SendLimits(counted, onError, (_app, user) => solo.has(user)) }
}

describe('SendLimits', () => {
  it('counts the socket sends of a user connected to several nodes, and refuses past the allowance', async () => {
    const { calls, sendLimits } = limits(new Set())
    const answers = []
    for (let i = 0; i <= allowance; i++) answers.push(await sendLimits.allowed('app', 'ann', DEFAULT_LIMITS))
    expect(answers.filter(Boolean)).toHaveLength(allowance)
    expect(answers.at(-1)).toBe(false)
    expect(calls).toHaveLength(allowance + 1)
  })

  it('lets the sends of a user whose every connection is on this node go without asking, and counts them later in one call', async () => {
    const { calls, sendLimits } = limits(new Set(['ann']))
    for (let i = 0; i < allowance; i++)
      expect(await sendLimits.allowed('app', 'ann', DEFAULT_LIMITS)).toBe(true)
    expect(calls).toEqual([])
    await sendLimits.flushTally()
    expect(calls).toEqual([{ key: 'send:app:ann', count: allowance }])
  })

  it('counts them on its own within a moment, without a flush', async () => {
    const { calls, sendLimits } = limits(new Set(['ann']))
    await sendLimits.allowed('app', 'ann', DEFAULT_LIMITS)
    await sendLimits.allowed('app', 'ann', DEFAULT_LIMITS)
    await new Promise((resolve) => setTimeout(resolve, 250))
    expect(calls).toEqual([{ key: 'send:app:ann', count: 2 }])
  })

  it('refuses a REST edit of such a user once their socket sends used the allowance', async () => {
    const { sendLimits } = limits(new Set(['ann']))
    for (let i = 0; i < allowance; i++) await sendLimits.allowed('app', 'ann', DEFAULT_LIMITS)
    await sendLimits.flushTally()
    await expect(sendLimits.spend('app', 'ann', DEFAULT_LIMITS, 'edit')).rejects.toBeInstanceOf(RoomfulError)
  })

  it('asks the shared count for each send of such a user once REST edits put them over the allowance', async () => {
    const { calls, sendLimits } = limits(new Set(['ann']))
    for (let i = 0; i < allowance; i++) await sendLimits.spend('app', 'ann', DEFAULT_LIMITS, 'edit')
    expect(await sendLimits.allowed('app', 'ann', DEFAULT_LIMITS)).toBe(true)
    await sendLimits.flushTally()
    calls.length = 0
    expect(await sendLimits.allowed('app', 'ann', DEFAULT_LIMITS)).toBe(false)
    expect(calls).toEqual([{ key: 'send:app:ann', count: 1 }])
  })

  it('still counts REST edits of such a user, which no socket bucket shapes', async () => {
    const { calls, sendLimits } = limits(new Set(['ann']))
    for (let i = 0; i < allowance; i++) await sendLimits.spend('app', 'ann', DEFAULT_LIMITS, 'edit')
    await expect(sendLimits.spend('app', 'ann', DEFAULT_LIMITS, 'edit')).rejects.toBeInstanceOf(RoomfulError)
    expect(calls).toHaveLength(allowance + 1)
  })
})
