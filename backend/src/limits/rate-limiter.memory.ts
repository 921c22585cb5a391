import { decide, type RateDecision, type RateLimiter, type RateRule } from './rate-limiter.js'

interface Window {
  count: number
  resetAt: number
}

/**
 * The embedded twin of the Redis limiter. Bounded: past `maxKeys` the expired windows are
 * pruned, and if that is not enough the oldest windows go (a flood of distinct keys then
 * forgets old counters instead of growing the heap).
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, Window>()

  constructor(
    private readonly maxKeys = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.windows.size
  }

  async hit(key: string, rule: RateRule, count = 1): Promise<RateDecision> {
    const now = this.now()
    let window = this.windows.get(key)
    if (!window || window.resetAt <= now) {
      if (window) this.windows.delete(key)
      else if (this.windows.size >= this.maxKeys) this.prune(now)
      window = { count: 0, resetAt: now + rule.windowMs }
      this.windows.set(key, window)
    }
    window.count += count
    return decide(window.count, rule, window.resetAt - now)
  }

  private prune(now: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key)
    // Map iterates in insertion order, so the first keys are the oldest windows.
    for (const key of this.windows.keys()) {
      if (this.windows.size < this.maxKeys) break
      this.windows.delete(key)
    }
  }
}
