import { randomBytes } from 'node:crypto'
import { expect, it } from 'vitest'
import { contract, sleep } from './harness.js'

const key = () => `test:${randomBytes(6).toString('hex')}`

contract('RateLimiter', (h, kind) => {
  it('allows the limit in a window, then refuses with the time to the reset', async () => {
    const k = key()
    const rule = { limit: 3, windowMs: 5_000 }
    const decisions = []
    for (let i = 0; i < 5; i++) decisions.push(await h().node.limiter.hit(k, rule))
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false, false])
    expect(decisions.map((d) => d.remaining)).toEqual([2, 1, 0, 0, 0])
    for (const d of decisions) {
      expect(d.limit).toBe(3)
      expect(d.resetMs).toBeGreaterThan(0)
      expect(d.resetMs).toBeLessThanOrEqual(5_000)
    }
  })

  it('gives the full allowance back once the window has passed', async () => {
    const k = key()
    const rule = { limit: 1, windowMs: 300 }
    expect((await h().node.limiter.hit(k, rule)).allowed).toBe(true)
    expect((await h().node.limiter.hit(k, rule)).allowed).toBe(false)
    await sleep(400)
    expect((await h().node.limiter.hit(k, rule)).allowed).toBe(true)
  })

  it('counts a hit of several at once as that many', async () => {
    const k = key()
    const rule = { limit: 5, windowMs: 5_000 }
    expect(await h().node.limiter.hit(k, rule, 4)).toMatchObject({ allowed: true, remaining: 1 })
    expect(await h().node.limiter.hit(k, rule)).toMatchObject({ allowed: true, remaining: 0 })
    expect(await h().node.limiter.hit(k, rule, 3)).toMatchObject({ allowed: false, remaining: 0 })
  })

  it('keeps keys apart', async () => {
    const rule = { limit: 1, windowMs: 5_000 }
    const [a, b] = [key(), key()]
    expect((await h().node.limiter.hit(a, rule)).allowed).toBe(true)
    expect((await h().node.limiter.hit(b, rule)).allowed).toBe(true)
    expect((await h().node.limiter.hit(a, rule)).allowed).toBe(false)
  })

  it('counts many keys hit at once, each exactly, repeats of one key included', async () => {
    const rule = { limit: 2, windowMs: 5_000 }
    const keys = Array.from({ length: 300 }, key)
    // Every key three times in one tick: more hits than one round trip carries.
    const decisions = await Promise.all([...keys, ...keys, ...keys].map((k) => h().node.limiter.hit(k, rule)))
    const allowed = (k: string) => decisions.filter((d, i) => d.allowed && keys[i % keys.length] === k).length
    for (const k of keys) expect(allowed(k)).toBe(2)
    expect(decisions.slice(0, keys.length).map((d) => d.remaining)).toEqual(keys.map(() => 1))
  })

  it('counts hits from every node against one allowance, also when they race', async () => {
    const other = await h().secondNode()
    const k = key()
    const rule = { limit: 10, windowMs: 5_000 }
    const decisions = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? other : h().node).limiter.hit(k, rule)),
    )
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10)
  })

  if (kind === 'production')
    it('leaves no key behind: each expires with its window', async () => {
      const { Redis } = await import('ioredis')
      const { TEST_REDIS_URL } = await import('../support/services.js')
      const redis = new Redis(TEST_REDIS_URL)
      try {
        const k = key()
        await h().node.limiter.hit(k, { limit: 5, windowMs: 2_000 })
        const ttl = await redis.pttl(`${h().prefix}rl:${k}`)
        expect(ttl).toBeGreaterThan(0)
        expect(ttl).toBeLessThanOrEqual(2_000)
      } finally {
        redis.disconnect()
      }
    })
})
