import { expect, it } from 'vitest'
import { AuthLimits } from './auth-limits.js'
import { MemoryRateLimiter } from './rate-limiter.memory.js'
import type { RateLimiter } from './rate-limiter.js'

const rules = { perAddress: { limit: 2, windowMs: 60_000 }, perAccount: { limit: 5, windowMs: 60_000 } }
const code = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (err: { code: string }) => err.code,
  )

it("does not spend an account's allowance on attempts its address was refused", async () => {
  const hits: string[] = []
  const memory = new MemoryRateLimiter()
  const spy: RateLimiter = { hit: (key, rule) => (hits.push(key), memory.hit(key, rule)) }
  const limits = new AuthLimits(spy, rules, () => {})
  const victim = { appId: 'app1', email: 'Victim@Example.com ' }
  const results = []
  for (let i = 0; i < 6; i++) results.push(await code(limits.check('login', '198.51.100.1', victim)))
  expect(results).toEqual(['ok', 'ok', 'rate_limited', 'rate_limited', 'rate_limited', 'rate_limited'])
  expect(hits.filter((k) => k.includes(':acct:'))).toHaveLength(2)
  // The victim logs in from home: the account still has 3 of its 5.
  expect(
    await code(limits.check('login', '203.0.113.7', { appId: 'app1', email: 'victim@example.com' })),
  ).toBe('ok')
  expect(hits.every((k) => !k.includes('Victim') && !k.includes('victim'))).toBe(true)
})

it('lets requests through, and reports, when the limiter fails', async () => {
  const errors: unknown[] = []
  const broken: RateLimiter = { hit: () => Promise.reject(new Error('redis down')) }
  const limits = new AuthLimits(broken, rules, (err) => errors.push(err))
  expect(await code(limits.check('signup', '198.51.100.1', { appId: 'a', email: 'x@example.com' }))).toBe(
    'ok',
  )
  expect(errors).toHaveLength(2)
})
