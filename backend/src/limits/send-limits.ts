import type { Limits } from '@roomful/sdk/protocol'
import { RoomfulError } from '../errors.js'
import { rateLimitHeaders } from './auth-limits.js'
import type { RateDecision, RateLimiter } from './rate-limiter.js'

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
    /** True when every connection of the user's is on this node (see `SoloUsers`). */
    private readonly isSolo: (appId: string, userId: string) => boolean = () => false,
  ) {}

  /** A socket's send, after the node's bucket let it through. A user whose every connection is
   * on this node has nothing to sum: the bucket is the whole limit, and Redis is not asked. */
  async allowed(appId: string, userId: string, limits: Limits): Promise<boolean> {
    if (this.isSolo(appId, userId)) return true
    return (await this.hit(appId, userId, limits))?.allowed ?? true
  }

  /** Spends one of the user's sends (an edit or delete over REST, which has no socket bucket),
   * or refuses with `rate_limited` and the `Retry-After` / `RateLimit-*` headers. */
  async spend(appId: string, userId: string, limits: Limits, what: string): Promise<void> {
    const decision = await this.hit(appId, userId, limits)
    if (decision && !decision.allowed)
      throw new RoomfulError('rate_limited', `unable to ${what}; too many messages`, {
        headers: rateLimitHeaders(decision),
      })
  }

  /** The limiter's decision, or null when it could not count (the send goes through). */
  private async hit(appId: string, userId: string, limits: Limits): Promise<RateDecision | null> {
    const rule = { limit: Math.max(limits.sendBurst, limits.sendsPerSecond), windowMs: WINDOW_MS }
    try {
      return await this.limiter.hit(`send:${appId}:${userId}`, rule)
    } catch (err) {
      this.onError(err)
      return null
    }
  }
}
