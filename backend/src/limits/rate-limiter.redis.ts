import type { Redis } from 'ioredis'
import { decide, type RateDecision, type RateLimiter, type RateRule } from './rate-limiter.js'

/**
 * Hits on fixed windows, any number in one script: for each key, create it with its window as
 * TTL if absent, add its hits, read the TTL. ARGV holds every key's window, then every key's
 * hit count. Nothing accumulates: a key lives at most one window after its first hit.
 */
const HITS = `
local out = {}
local n = #KEYS
for i, key in ipairs(KEYS) do
  redis.call('SET', key, '0', 'PX', ARGV[i], 'NX')
  out[2 * i - 1] = redis.call('INCRBY', key, ARGV[n + i])
  out[2 * i] = redis.call('PTTL', key)
end
return out
`

/** Hits sent in one script at most; more wait for the next. */
const MAX_BATCH = 256

interface PendingHit {
  key: string
  rule: RateRule
  count: number
  resolve(decision: RateDecision): void
  reject(err: unknown): void
}

type HitsCommand = (keyCount: number, ...keysThenWindows: Array<string | number>) => Promise<number[]>

/**
 * Counters shared by every node. This runs on every send, so the hits made in one turn of the
 * event loop go to Redis together, as one script call: one command to build, write and parse
 * for all of them instead of one each, at the price of at most one turn of latency. Each key
 * is still counted atomically, so the counts are what they would be one by one.
 */
export class RedisRateLimiter implements RateLimiter {
  private pending: PendingHit[] = []
  private readonly hits: HitsCommand

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    redis.defineCommand('rf_rateHits', { lua: HITS })
    const command = (redis as unknown as { rf_rateHits: HitsCommand }).rf_rateHits
    this.hits = command.bind(redis)
  }

  hit(key: string, rule: RateRule, count = 1): Promise<RateDecision> {
    // Not connected: fail now (the caller lets the request through) rather than wait in
    // ioredis's offline queue and hold every login and send for the reconnect.
    if (this.redis.status !== 'ready')
      return Promise.reject(
        new Error(`unable to count a rate-limit hit; the Redis connection is ${this.redis.status}`),
      )
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => this.flush())
      this.pending.push({ key: `${this.prefix}rl:${key}`, rule, count, resolve, reject })
    })
  }

  private flush(): void {
    const batch = this.pending.splice(0, MAX_BATCH)
    if (this.pending.length > 0) setImmediate(() => this.flush())
    const args: Array<string | number> = batch.map((h) => h.key)
    for (const h of batch) args.push(h.rule.windowMs)
    for (const h of batch) args.push(h.count)
    this.hits(batch.length, ...args).then(
      (out) =>
        batch.forEach((h, i) => {
          const ttl = out[2 * i + 1]!
          h.resolve(decide(out[2 * i]!, h.rule, ttl > 0 ? ttl : h.rule.windowMs))
        }),
      (err: unknown) => batch.forEach((h) => h.reject(err)),
    )
  }
}
