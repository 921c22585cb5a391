import type { Redis } from 'ioredis'
import { decide, type RateDecision, type RateLimiter, type RateRule } from './rate-limiter.js'

/**
 * One hit on a fixed window: create the key with the window as its TTL if absent, count, read
 * the TTL. One script, so one command per hit (a MULTI of the three costs five, and this runs
 * on every send): nothing accumulates, a key lives at most one window after its first hit.
 */
const HIT = `
redis.call('SET', KEYS[1], '0', 'PX', ARGV[1], 'NX')
local count = redis.call('INCR', KEYS[1])
return {count, redis.call('PTTL', KEYS[1])}
`

/** Counters shared by every node. */
export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    redis.defineCommand('rf_rateHit', { numberOfKeys: 1, lua: HIT })
  }

  async hit(key: string, rule: RateRule): Promise<RateDecision> {
    // Not connected: fail now (the caller lets the request through) rather than wait in
    // ioredis's offline queue and hold every login and send for the reconnect.
    if (this.redis.status !== 'ready')
      throw new Error(`unable to count a rate-limit hit; the Redis connection is ${this.redis.status}`)
    const hit = (
      this.redis as unknown as { rf_rateHit(key: string, windowMs: number): Promise<[number, number]> }
    ).rf_rateHit
    const [count, ttl] = await hit.call(this.redis, `${this.prefix}rl:${key}`, rule.windowMs)
    return decide(count, rule, ttl > 0 ? ttl : rule.windowMs)
  }
}
