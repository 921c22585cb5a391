import { createHash } from 'node:crypto'
import { RoomfulError } from '../errors.js'
import type { RateDecision, RateLimiter, RateRule } from './rate-limiter.js'

export type AuthAction = 'signup' | 'login' | 'refresh'

export interface AuthLimitRules {
  /** Per client address and action, across apps (a flood may spread over apps). */
  perAddress: RateRule
  /** Per (app, email) and action: bounds password guessing spread over many addresses. */
  perAccount: RateRule
}

/** The `Retry-After` and `RateLimit-*` headers of a refused request. */
export function rateLimitHeaders(decision: RateDecision): Record<string, string> {
  const reset = String(Math.max(1, Math.ceil(decision.resetMs / 1000)))
  return {
    'Retry-After': reset,
    'RateLimit-Limit': String(decision.limit),
    'RateLimit-Remaining': String(decision.remaining),
    'RateLimit-Reset': reset,
  }
}

// Emails are hashed so the limiter's keys (in Redis, shared) hold no addresses of people.
const digest = (text: string) => createHash('sha256').update(text).digest('base64url').slice(0, 22)

/**
 * Throttles signup, login and refresh before any password is hashed. The address is counted
 * first and the account only when the address was allowed, so a flood from one address
 * cannot also use up its victims' per-account allowance.
 */
export class AuthLimits {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly rules: AuthLimitRules,
    /** A limiter that fails (Redis down) lets requests through: throttling must not become an outage. */
    private readonly onError: (err: unknown) => void,
  ) {}

  async check(
    action: AuthAction,
    address: string,
    account?: { appId: string; email: string },
  ): Promise<void> {
    await this.one(`auth:${action}:ip:${address}`, this.rules.perAddress)
    if (account)
      await this.one(
        `auth:${action}:acct:${account.appId}:${digest(account.email.trim().toLowerCase())}`,
        this.rules.perAccount,
      )
  }

  private async one(key: string, rule: RateRule): Promise<void> {
    let decision: RateDecision
    try {
      decision = await this.limiter.hit(key, rule)
    } catch (err) {
      this.onError(err)
      return
    }
    if (!decision.allowed)
      throw new RoomfulError('rate_limited', 'unable to accept the request; too many attempts, retry later', {
        headers: rateLimitHeaders(decision),
      })
  }
}
