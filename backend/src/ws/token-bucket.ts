/** Allows `ratePerSecond` on average with bursts up to `burst`. */
export class TokenBucket {
  private tokens: number
  private updated: number

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst
    this.updated = now()
  }

  take(): boolean {
    this.refill()
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }

  /** Whether it has refilled to `burst`: then it is no different from a new bucket. */
  isFull(): boolean {
    this.refill()
    return this.tokens >= this.burst
  }

  private refill(): void {
    const now = this.now()
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updated) / 1000) * this.ratePerSecond)
    this.updated = now
  }
}

/**
 * Buckets by key (e.g. one per user), made on first use. Every `sweepMs` a `take` also drops the
 * buckets that have refilled: forgetting a full bucket loses nothing, since a new one starts
 * full, and so only keys active within about `burst / ratePerSecond` seconds are kept.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, TokenBucket>()
  private sweptAt: number

  constructor(
    private readonly sweepMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.sweptAt = now()
  }

  get size(): number {
    return this.buckets.size
  }

  take(key: string, ratePerSecond: number, burst: number): boolean {
    if (this.now() - this.sweptAt >= this.sweepMs) this.sweep()
    let bucket = this.buckets.get(key)
    if (!bucket) this.buckets.set(key, (bucket = new TokenBucket(ratePerSecond, burst, this.now)))
    return bucket.take()
  }

  private sweep(): void {
    this.sweptAt = this.now()
    for (const [key, bucket] of this.buckets) if (bucket.isFull()) this.buckets.delete(key)
  }
}
