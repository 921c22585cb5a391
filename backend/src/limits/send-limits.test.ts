import { describe, expect, it } from 'vitest'
import { DEFAULT_LIMITS } from '@roomful/sdk/protocol'
import { RoomfulError } from '../errors.js'
import { MemoryRateLimiter } from './rate-limiter.memory.js'
import { SendLimits } from './send-limits.js'

const allowance = Math.max(DEFAULT_LIMITS.sendBurst, DEFAULT_LIMITS.sendsPerSecond)

function limits(solo: Set<string>) {
  const keys: string[] = []
  const limiter = new MemoryRateLimiter()
  const counted = {
    hit: (key: string, rule: { limit: number; windowMs: number }) => {
      keys.push(key)
      return limiter.hit(key, rule)
    },
  }
  const onError = (err: unknown) => {
    throw err
  }
  return { keys, sendLimits: new SendLimits(counted, onError, (_app, user) => solo.has(user)) }
}

describe('SendLimits', () => {
  it('counts the socket sends of a user connected to several nodes, and refuses past the allowance', async () => {
    const { keys, sendLimits } = limits(new Set())
    const answers = []
    for (let i = 0; i <= allowance; i++) answers.push(await sendLimits.allowed('app', 'ann', DEFAULT_LIMITS))
    expect(answers.filter(Boolean)).toHaveLength(allowance)
    expect(answers.at(-1)).toBe(false)
    expect(keys).toHaveLength(allowance + 1)
  })

  it('asks nothing of the shared counter for a user whose every connection is on this node', async () => {
    const { keys, sendLimits } = limits(new Set(['ann']))
    for (let i = 0; i <= allowance; i++)
      expect(await sendLimits.allowed('app', 'ann', DEFAULT_LIMITS)).toBe(true)
    expect(keys).toEqual([])
  })

  it('still counts REST edits of such a user, which no socket bucket shapes', async () => {
    const { keys, sendLimits } = limits(new Set(['ann']))
    for (let i = 0; i < allowance; i++) await sendLimits.spend('app', 'ann', DEFAULT_LIMITS, 'edit')
    await expect(sendLimits.spend('app', 'ann', DEFAULT_LIMITS, 'edit')).rejects.toBeInstanceOf(RoomfulError)
    expect(keys).toHaveLength(allowance + 1)
  })
})
