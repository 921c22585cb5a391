import type { ClientFrame, Identity, ResultMap, SanctionKind } from '@roomful/sdk/protocol'
import { RoomfulError } from '../errors.js'
import type { Actor } from '../messages/messages-service.js'
import type { ModerationActions } from '../moderation/moderation-actions.js'
import type { Connection } from './connection.js'

type ModerationOp =
  'moderation.ban' | 'moderation.mute' | 'moderation.unban' | 'moderation.unmute' | 'moderation.sanctions'
type Handler<O extends ModerationOp> = (
  conn: Connection,
  frame: Extract<ClientFrame, { op: O }>,
) => Promise<ResultMap[O]>

/** The role comes from the connection's verified identity (token claim or operator grant). */
const actor = (conn: Connection): Actor => {
  const identity: Identity | null = conn.identity
  if (!identity) throw new RoomfulError('unauthenticated')
  const { id, name, avatar } = identity
  return { id, name, avatar, moderator: identity.moderator === true }
}

/** The `moderation.*` socket ops (moderators only; everyone else gets `forbidden`). */
export function createModerationHandlers(deps: { moderation: ModerationActions }): {
  [O in ModerationOp]: Handler<O>
} {
  const impose =
    (kind: SanctionKind) =>
    async (conn: Connection, frame: Extract<ClientFrame, { op: 'moderation.ban' | 'moderation.mute' }>) => ({
      sanction: await deps.moderation.impose(conn.app.id, actor(conn), {
        kind,
        userId: frame.userId,
        roomId: frame.roomId ?? null,
        durationSeconds: frame.durationSeconds,
        reason: frame.reason ?? null,
      }),
    })
  const lift =
    (kind: SanctionKind) =>
    async (
      conn: Connection,
      frame: Extract<ClientFrame, { op: 'moderation.unban' | 'moderation.unmute' }>,
    ) => {
      await deps.moderation.lift(conn.app.id, actor(conn), {
        kind,
        userId: frame.userId,
        roomId: frame.roomId ?? null,
      })
      return {}
    }
  return {
    'moderation.ban': impose('ban'),
    'moderation.mute': impose('mute'),
    'moderation.unban': lift('ban'),
    'moderation.unmute': lift('mute'),
    async 'moderation.sanctions'(conn, frame) {
      const filter = {
        ...(frame.kind && { kind: frame.kind }),
        ...(frame.roomId && { roomId: frame.roomId }),
      }
      return { sanctions: await deps.moderation.list(conn.app.id, actor(conn), filter) }
    },
  }
}
