import type { Sanction, SanctionKind } from '@roomful/sdk/protocol'
import { RoomfulError } from '../errors.js'
import type { Logger } from '../logger.js'
import type { Actor } from '../messages/messages-service.js'
import type { AuditLog, AuditRecord } from './audit-log.js'
import type { ModeratorGrant } from './moderator-store.js'
import type { ModeratorGrants } from './moderator-grants.js'
import { recordAction } from './record-action.js'
import type { SanctionFilter } from './sanction-store.js'
import type { SanctionInput, SanctionsService } from './sanctions-service.js'

export interface ModerationActionDeps {
  sanctions: SanctionsService
  grants: ModeratorGrants
  /** Throws `room_not_found` for a room the app does not have. */
  requireRoom(appId: string, roomId: string): Promise<unknown>
  /** Whether a socket of this user on this node authenticated as a moderator (a host token's
   * role claim is known only where the token was shown). */
  connectedAsModerator(appId: string, userId: string): boolean
  audit: Pick<AuditLog, 'record'>
  log: Logger
}

const VERB: Record<SanctionKind, string> = { ban: 'ban', mute: 'mute' }

/**
 * The moderation actions on users, shared by the socket ops (moderators) and the admin REST
 * API (the admin key): who may, and what they may not do (a moderator does not sanction a
 * moderator; the admin key may), then the sanction itself.
 */
export class ModerationActions {
  constructor(private readonly deps: ModerationActionDeps) {}

  async impose(appId: string, actor: Actor, input: SanctionInput): Promise<Sanction> {
    this.authorize(actor, VERB[input.kind])
    if (input.roomId !== null) await this.deps.requireRoom(appId, input.roomId)
    if (!actor.admin && (await this.isModerator(appId, input.userId)))
      throw new RoomfulError(
        'forbidden',
        `unable to ${VERB[input.kind]} the user; moderators cannot sanction moderators`,
      )
    const sanction = await this.deps.sanctions.impose(appId, input, actor.id)
    await this.audited({
      appId,
      actor: actor.id,
      action: input.kind === 'ban' ? 'user.ban' : 'user.mute',
      roomId: sanction.roomId,
      targetUserId: sanction.userId,
      targetMessageId: null,
      reason: sanction.reason,
      details: { expiresAt: sanction.expiresAt },
    })
    return sanction
  }

  /** Whether a sanction of that kind and scope was in force (it is not any more). */
  async lift(
    appId: string,
    actor: Actor,
    key: { kind: SanctionKind; userId: string; roomId: string | null },
  ): Promise<boolean> {
    this.authorize(actor, `un${VERB[key.kind]}`)
    const lifted = await this.deps.sanctions.lift({ appId, ...key })
    // Lifting what was not in force changed nothing: nothing to record.
    if (lifted)
      await this.audited({
        appId,
        actor: actor.id,
        action: key.kind === 'ban' ? 'user.unban' : 'user.unmute',
        roomId: key.roomId,
        targetUserId: key.userId,
        targetMessageId: null,
        reason: null,
        details: null,
      })
    return lifted
  }

  async list(appId: string, actor: Actor, filter: SanctionFilter): Promise<Sanction[]> {
    this.authorize(actor, 'list sanctions')
    return this.deps.sanctions.list(appId, filter)
  }

  /** The operator's grant (admin REST; the CLI records its own). */
  async grant(appId: string, userId: string, grantedBy: string): Promise<ModeratorGrant> {
    const { grant, fresh } = await this.deps.grants.grant(appId, userId, grantedBy)
    if (fresh) await this.audited(grantEntry(appId, grantedBy, 'moderator.grant', userId))
    return grant
  }

  async revoke(appId: string, userId: string, revokedBy: string): Promise<boolean> {
    const revoked = await this.deps.grants.revoke(appId, userId)
    if (revoked) await this.audited(grantEntry(appId, revokedBy, 'moderator.revoke', userId))
    return revoked
  }

  moderators(appId: string): Promise<ModeratorGrant[]> {
    return this.deps.grants.list(appId)
  }

  /** The action took effect before this runs (recordAction logs an entry it cannot write). */
  private audited(entry: AuditRecord): Promise<void> {
    return recordAction(this.deps.audit, this.deps.log, entry)
  }

  private authorize(actor: Actor, what: string): void {
    if (!actor.admin && !actor.moderator)
      throw new RoomfulError('forbidden', `unable to ${what}; only moderators may`)
  }

  private async isModerator(appId: string, userId: string): Promise<boolean> {
    return this.deps.connectedAsModerator(appId, userId) || this.deps.grants.isModerator(appId, userId)
  }
}

export const grantEntry = (
  appId: string,
  actor: string,
  action: 'moderator.grant' | 'moderator.revoke',
  userId: string,
): AuditRecord => ({
  appId,
  actor,
  action,
  roomId: null,
  targetUserId: userId,
  targetMessageId: null,
  reason: null,
  details: null,
})
