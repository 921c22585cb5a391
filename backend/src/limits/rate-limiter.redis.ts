import type { Redis } from 'ioredis'
import { decide, type RateDecision, type RateLimiter, type RateRule } from './rate-limiter.js'

/**
 * Counters shared by every node. One MULTI per hit (one round trip): create the key with the
 * window as its TTL if absent, count, read the TTL. The TTL means nothing accumulates: a key
 * lives at most one window after its first hit.
 */
export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async hit(key: string, rule: RateRule): Promise<RateDecision> {
    // Not connected: fail now (the caller lets the request through) rather than wait in
    // ioredis's offline queue and hold every login and send for the reconnect.
    if (this.redis.status !== 'ready')
      throw new Error(`unable to count a rate-limit hit; the Redis connection is ${this.redis.status}`)
    const name = `${this.prefix}rl:${key}`
    const replies = await this.redis
      .multi()
      .set(name, '0', 'PX', rule.windowMs, 'NX')
      .incr(name)
      .pttl(name)
      .exec()
    if (!replies) throw new Error('unable to count a rate-limit hit; the transaction was aborted')
    for (const [err] of replies) if (err) throw err
    const count = Number(replies[1]?.[1])
    const ttl = Number(replies[2]?.[1])
    return decide(count, rule, ttl > 0 ? ttl : rule.windowMs)
  }
}
