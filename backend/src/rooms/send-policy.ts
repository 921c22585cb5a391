import { RoomfulError } from '../errors.js'
import type { RateLimiter } from '../limits/rate-limiter.js'
import type { SanctionChecks } from '../moderation/sanction-checks.js'
import type { RoomSettingsCache } from './room-settings-cache.js'

/**
 * Whether one user may write into a room now: first their bans and mutes, then what the room's
 * settings say (archived rooms take nothing, read-only rooms only moderators' messages, slow
 * mode one message per user per N seconds, counted across nodes by the shared rate limiter).
 * Every path that writes text into a room (socket and REST) asks here. Costs no SQL (sanctions
 * and settings are cached per node) and no Redis unless the room is in slow mode.
 */
export class SendPolicy {
  constructor(
    private readonly deps: {
      checks: Pick<SanctionChecks, 'assertMaySend'>
      settings: RoomSettingsCache
      limiter: RateLimiter
      /** A limiter that fails (Redis down) lets the send through, as the send limits do. */
      onLimiterError: (err: unknown) => void
    },
  ) {}

  async check(appId: string, roomId: string, user: { id: string; moderator: boolean }): Promise<void> {
    this.deps.checks.assertMaySend(appId, user.id, roomId)
    const settings = await this.deps.settings.get(appId, roomId)
    if (!settings) throw new RoomfulError('room_not_found', `unable to send; no room ${roomId}`)
    if (settings.archived)
      throw new RoomfulError(
        'room_archived',
        'unable to send; the room is archived (its history stays readable)',
      )
    if (user.moderator) return
    if (settings.readOnly)
      throw new RoomfulError('read_only', 'unable to send; only moderators send in this room')
    if (settings.slowModeSeconds > 0) await this.slowMode(appId, roomId, user.id, settings.slowModeSeconds)
  }

  /** An edit writes new text into the room's log: refused in an archived room, as a send is.
   * (Deletes stay allowed: a sender may still take back, a moderator still clean up.) */
  async checkEdit(appId: string, roomId: string, userId: string): Promise<void> {
    this.deps.checks.assertMaySend(appId, userId, roomId, 'edit the message')
    const settings = await this.deps.settings.get(appId, roomId)
    if (settings?.archived)
      throw new RoomfulError('room_archived', 'unable to edit the message; the room is archived')
  }

  private async slowMode(appId: string, roomId: string, userId: string, seconds: number): Promise<void> {
    let decision
    try {
      decision = await this.deps.limiter.hit(`slow:${appId}:${roomId}:${userId}`, {
        limit: 1,
        windowMs: seconds * 1000,
      })
    } catch (err) {
      this.deps.onLimiterError(err)
      return
    }
    if (decision.allowed) return
    const waitMs = Math.max(1, decision.resetMs)
    throw new RoomfulError(
      'slow_mode',
      `unable to send; this room is in slow mode (one message per ${seconds} s), wait ${Math.ceil(waitMs / 1000)} s`,
      { retryAfterMs: waitMs, headers: { 'Retry-After': String(Math.ceil(waitMs / 1000)) } },
    )
  }
}
