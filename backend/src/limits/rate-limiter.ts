/**
 * Cluster-wide fixed-window counters: the one rate-limit mechanism behind account endpoints and
 * sends. Two drivers: Redis (shared by every node) and memory (embedded mode, one process).
 */

/** At most `limit` hits per `windowMs`, counted from a key's first hit in the window. */
export interface RateRule {
  limit: number
  windowMs: number
}

export interface RateDecision {
  allowed: boolean
  limit: number
  /** Hits left in the current window after this one (0 when refused). */
  remaining: number
  /** Milliseconds until the window resets and the full allowance is back. */
  resetMs: number
}

export interface RateLimiter {
  /** Counts `count` hits (default one) on `key`, also refused ones, so hammering does not reopen
   * the window early. The decision is the one the last of them gets. */
  hit(key: string, rule: RateRule, count?: number): Promise<RateDecision>
}

export function decide(count: number, rule: RateRule, resetMs: number): RateDecision {
  return {
    allowed: count <= rule.limit,
    limit: rule.limit,
    remaining: Math.max(0, rule.limit - count),
    resetMs: Math.max(0, resetMs),
  }
}
