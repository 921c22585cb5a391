/** Allows `ratePerSecond` on average with bursts up to `burst`. */
export class TokenBucket {
  private tokens: number
  private updated = Date.now()

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
  ) {
    this.tokens = burst
  }

  take(): boolean {
    const now = Date.now()
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updated) / 1000) * this.ratePerSecond)
    this.updated = now
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}
