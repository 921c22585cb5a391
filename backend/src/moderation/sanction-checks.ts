import type { Sanction, SanctionKind } from '@roomful/sdk/protocol'
import type { VerifiedIdentity } from '../auth/tokens.js'
import { RoomfulError } from '../errors.js'
import type { ModeratorGrants } from './moderator-grants.js'
import type { SanctionRecord } from './sanction-store.js'
import { toSanction } from './sanction-view.js'
import type { SanctionsService } from './sanctions-service.js'

/** A refusal because of a ban or mute; carries it so the socket can be told what and until when. */
export class SanctionedError extends RoomfulError {
  readonly sanction: Sanction
  constructor(record: SanctionRecord, what: string) {
    const scope = record.roomId === null ? 'in this app' : 'in this room'
    const until = record.expiresAt ? `until ${record.expiresAt.toISOString()}` : 'until a moderator lifts it'
    const why = record.reason ? ` (${record.reason})` : ''
    const state = record.kind === 'ban' ? 'banned' : 'muted'
    super(
      record.kind === 'ban' ? 'banned' : 'muted',
      `unable to ${what}; you are ${state} ${scope} ${until}${why}`,
    )
    this.sanction = toSanction(record)
  }
}

/**
 * Where sanctions and granted roles meet identities: every authentication (WS `auth`, each
 * REST call, hosted-account login and refresh) goes through `admit`, every send, edit and upload
 * through `assertMaySend`. Both answer from per-node caches: the sanctions of the app (loaded
 * by `admit`), and grants cached for a few seconds.
 */
export class SanctionChecks {
  constructor(
    private readonly sanctions: SanctionsService,
    private readonly grants: ModeratorGrants,
  ) {}

  /** The identity as the app sees it now: refused when banned app-wide, a moderator when an
   * operator granted it (a host token's `role` claim keeps counting as before). */
  async admit(appId: string, identity: VerifiedIdentity, what = 'connect'): Promise<VerifiedIdentity> {
    if (identity.guest) return identity
    const [, granted] = await Promise.all([
      this.sanctions.loadOrSkip(appId),
      identity.moderator ? true : this.grants.isModerator(appId, identity.id),
    ])
    this.refuse(appId, identity.id, null, 'ban', what)
    return granted && !identity.moderator ? { ...identity, moderator: true } : identity
  }

  /** Refuses a user banned from the app (hosted-account login and refresh). */
  async assertNotBanned(appId: string, userId: string, what: string): Promise<void> {
    await this.sanctions.loadOrSkip(appId)
    this.refuse(appId, userId, null, 'ban', what)
  }

  /** Refuses a user banned from the room (`join`). */
  assertMayEnter(appId: string, userId: string, roomId: string): void {
    this.refuse(appId, userId, roomId, 'ban', 'join')
  }

  /** Refuses a user banned from the room or muted in it, or app-wide (`send`, `edit`, uploads). */
  assertMaySend(appId: string, userId: string, roomId: string, what = 'send'): void {
    const found = this.silencing(appId, userId, roomId)
    if (found) throw new SanctionedError(found, what)
  }

  /** Whether the user may send in the room now (typing is dropped quietly otherwise). */
  maySend(appId: string, userId: string, roomId: string): boolean {
    return this.silencing(appId, userId, roomId) === null
  }

  /** The ban, or else the mute, that keeps the user from sending in the room; null if none. */
  private silencing(appId: string, userId: string, roomId: string) {
    return (
      this.sanctions.inForce(appId, userId, roomId, 'ban') ??
      this.sanctions.inForce(appId, userId, roomId, 'mute')
    )
  }

  private refuse(
    appId: string,
    userId: string,
    roomId: string | null,
    kind: SanctionKind,
    what: string,
  ): void {
    const found = this.sanctions.inForce(appId, userId, roomId, kind)
    if (found) throw new SanctionedError(found, what)
  }
}
