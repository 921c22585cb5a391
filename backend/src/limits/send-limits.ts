import type { Limits } from '@roomful/sdk/protocol'
import type { RateLimiter } from './rate-limiter.js'

const WINDOW_MS = 1_000

/**
 * A user's sends counted across every node: in any one-second window, at most
 * max(sendBurst, sendsPerSecond) of the app's limits. Each node's token bucket still shapes
 * the rate; this bounds the sum when a user's sockets are spread over several nodes.
 */
export class SendLimits {
  constructor(
    private readonly limiter: RateLimiter,
    /** A limiter that fails (Redis down) lets the send through, as the per-node bucket still holds. */
    private readonly onError: (err: unknown) => void,
  ) {}

  async allowed(appId: string, userId: string, limits: Limits): Promise<boolean> {
    const rule = { limit: Math.max(limits.sendBurst, limits.sendsPerSecond), windowMs: WINDOW_MS }
    try {
      return (await this.limiter.hit(`send:${appId}:${userId}`, rule)).allowed
    } catch (err) {
      this.onError(err)
      return true
    }
  }
}
