import type { Sanction, SanctionKind } from '@roomful/sdk/protocol'
import { RoomfulError } from '../errors.js'
import type { Actor } from '../messages/messages-service.js'
import type { ModeratorGrant } from './moderator-store.js'
import type { ModeratorGrants } from './moderator-grants.js'
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
    return this.deps.sanctions.impose(appId, input, actor.id)
  }

  /** Whether a sanction of that kind and scope was in force (it is not any more). */
  async lift(
    appId: string,
    actor: Actor,
    key: { kind: SanctionKind; userId: string; roomId: string | null },
  ): Promise<boolean> {
    this.authorize(actor, `un${VERB[key.kind]}`)
    return this.deps.sanctions.lift({ appId, ...key })
  }

  async list(appId: string, actor: Actor, filter: SanctionFilter): Promise<Sanction[]> {
    this.authorize(actor, 'list sanctions')
    return this.deps.sanctions.list(appId, filter)
  }

  grant(appId: string, userId: string, grantedBy: string): Promise<ModeratorGrant> {
    return this.deps.grants.grant(appId, userId, grantedBy)
  }

  revoke(appId: string, userId: string): Promise<boolean> {
    return this.deps.grants.revoke(appId, userId)
  }

  moderators(appId: string): Promise<ModeratorGrant[]> {
    return this.deps.grants.list(appId)
  }

  private authorize(actor: Actor, what: string): void {
    if (!actor.admin && !actor.moderator)
      throw new RoomfulError('forbidden', `unable to ${what}; only moderators may`)
  }

  private async isModerator(appId: string, userId: string): Promise<boolean> {
    return this.deps.connectedAsModerator(appId, userId) || this.deps.grants.isModerator(appId, userId)
  }
}
