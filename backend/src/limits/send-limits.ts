import type { Limits } from '@roomful/sdk/protocol'
import { RoomfulError } from '../errors.js'
import { rateLimitHeaders } from './auth-limits.js'
import type { RateDecision, RateLimiter, RateRule } from './rate-limiter.js'

const WINDOW_MS = 1_000
/** How long the socket sends of users connected here alone wait before they are counted. */
const TALLY_MS = 100

/**
 * A user's sends counted across every node: in any one-second window, at most
 * max(sendBurst, sendsPerSecond) of the app's limits. Each node's token bucket still shapes
 * the rate; this bounds the sum when a user's sockets are spread over several nodes, and the
 * sum of a user's socket sends and REST edits.
 */
export class SendLimits {
  /** Socket sends of users connected here alone, not yet counted: key → sends and rule. */
  private tally = new Map<string, { sends: number; rule: RateRule }>()
  private tallyTimer: NodeJS.Timeout | null = null
  /** Users the shared count found over the allowance: each send asks it until the time here. */
  private readonly overUntil = new Map<string, number>()

  constructor(
    private readonly limiter: RateLimiter,
    /** A limiter that fails (Redis down) lets the send through, as the per-node bucket still holds. */
    private readonly onError: (err: unknown) => void,
    /** True when every connection of the user's is on this node (see `SoloUsers`). */
    private readonly isSolo: (appId: string, userId: string) => boolean = () => false,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * A socket's send, after the node's bucket let it through. A user whose every connection is on
   * this node has no other socket to sum with: the send goes at once and is counted a moment
   * later with the others made here meanwhile (one Redis call per node every 100 ms, off the
   * send's path), so that REST edits elsewhere see it. Once that count says the user is over the
   * allowance, their sends ask the shared count first until the window ends.
   */
  async allowed(appId: string, userId: string, limits: Limits): Promise<boolean> {
    const key = sendKey(appId, userId)
    if (this.isSolo(appId, userId) && !this.isOver(key)) {
      this.addToTally(key, limits)
      return true
    }
    return (await this.hit(key, limits))?.allowed ?? true
  }

  /** Spends one of the user's sends (an edit or delete over REST, which has no socket bucket),
   * or refuses with `rate_limited` and the `Retry-After` / `RateLimit-*` headers. */
  async spend(appId: string, userId: string, limits: Limits, what: string): Promise<void> {
    const decision = await this.hit(sendKey(appId, userId), limits)
    if (decision && !decision.allowed)
      throw new RoomfulError('rate_limited', `unable to ${what}; too many messages`, {
        headers: rateLimitHeaders(decision),
      })
  }

  /** Counts the tallied sends now (the timer does it on its own; shutdown and tests call it). */
  async flushTally(): Promise<void> {
    if (this.tallyTimer) clearTimeout(this.tallyTimer)
    this.tallyTimer = null
    const counting = this.tally
    this.tally = new Map()
    this.forgetEnded()
    await Promise.all(
      [...counting].map(async ([key, { sends, rule }]) => {
        const decision = await this.count(key, rule, sends)
        if (decision && !decision.allowed) this.overUntil.set(key, this.now() + decision.resetMs)
      }),
    )
  }

  private addToTally(key: string, limits: Limits): void {
    const entry = this.tally.get(key)
    if (entry) entry.sends++
    else this.tally.set(key, { sends: 1, rule: ruleOf(limits) })
    this.tallyTimer ??= setTimeout(() => void this.flushTally(), TALLY_MS).unref()
  }

  private isOver(key: string): boolean {
    const until = this.overUntil.get(key)
    return until !== undefined && until > this.now()
  }

  private forgetEnded(): void {
    const now = this.now()
    for (const [key, until] of this.overUntil) if (until <= now) this.overUntil.delete(key)
  }

  private hit(key: string, limits: Limits): Promise<RateDecision | null> {
    return this.count(key, ruleOf(limits), 1)
  }

  /** The limiter's decision, or null when it could not count (the send goes through). */
  private async count(key: string, rule: RateRule, hits: number): Promise<RateDecision | null> {
    try {
      return await this.limiter.hit(key, rule, hits)
    } catch (err) {
      this.onError(err)
      return null
    }
  }
}

const sendKey = (appId: string, userId: string) => `send:${appId}:${userId}`
const ruleOf = (limits: Limits): RateRule => ({
  limit: Math.max(limits.sendBurst, limits.sendsPerSecond),
  windowMs: WINDOW_MS,
})
