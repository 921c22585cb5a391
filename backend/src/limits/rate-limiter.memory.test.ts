import { expect, it } from 'vitest'
import { MemoryRateLimiter } from './rate-limiter.memory.js'

it('stays within its key bound under a flood of distinct keys, pruning expired windows first', async () => {
  let now = 0
  const limiter = new MemoryRateLimiter(100, () => now)
  const rule = { limit: 1, windowMs: 1_000 }
  for (let i = 0; i < 1_000; i++) await limiter.hit(`k${i}`, rule)
  expect(limiter.size).toBeLessThanOrEqual(100)
  // The newest window survived the eviction and still counts.
  expect((await limiter.hit('k999', rule)).allowed).toBe(false)
  now = 2_000
  await limiter.hit('fresh', rule)
  // Every old window had expired: pruning dropped them all and kept only the live one.
  expect(limiter.size).toBe(1)
  expect((await limiter.hit('fresh', rule)).allowed).toBe(false)
})
