import type { ClientFrame, Identity, ResultMap } from '@roomful/sdk/protocol'
import { RoomfulError } from '../errors.js'
import type { Actor } from '../messages/messages-service.js'
import type { ReportsService } from '../reports/reports-service.js'
import type { RoomModeration } from '../rooms/room-moderation.js'
import type { Connection } from './connection.js'

export interface RoomModerationHandlerDeps {
  roomModeration: RoomModeration
  reports: ReportsService
}

type ModerationOp = 'room.update' | 'room.delete' | 'report' | 'reports.list' | 'report.resolve'
type Handler<O extends ModerationOp> = (
  conn: Connection,
  frame: Extract<ClientFrame, { op: O }>,
) => Promise<ResultMap[O]>

const identity = (conn: Connection): Identity => {
  if (!conn.identity) throw new RoomfulError('unauthenticated')
  return conn.identity
}
/** The role comes from the verified token on every request, never from the frame. */
const actor = (conn: Connection): Actor => {
  const { id, name, avatar, moderator } = identity(conn)
  return { id, name, avatar, moderator: moderator === true }
}

/** The socket ops of room settings, room deletion and reports (docs/moderation.md). */
export function createRoomModerationHandlers(deps: RoomModerationHandlerDeps): {
  [O in ModerationOp]: Handler<O>
} {
  return {
    async 'room.update'(conn, { room, slowModeSeconds, readOnly, archived }) {
      const patch = { slowModeSeconds, readOnly, archived }
      return { room: await deps.roomModeration.update(conn.app.id, room, actor(conn), patch) }
    },

    async 'room.delete'(conn, frame) {
      await deps.roomModeration.delete(conn.app.id, frame.room, actor(conn))
      return {}
    },

    async report(conn, frame) {
      const user = identity(conn)
      const report = await deps.reports.report(conn.app.id, frame.room, user, frame.messageId, frame.reason)
      return { report }
    },

    async 'reports.list'(conn, frame) {
      const limit = Math.min(frame.limit ?? 50, conn.limits.maxPageSize)
      return deps.reports.list(conn.app.id, actor(conn), {
        status: frame.status,
        limit,
        cursor: frame.cursor,
      })
    },

    async 'report.resolve'(conn, frame) {
      return { report: await deps.reports.resolve(conn.app.id, actor(conn), frame.reportId) }
    },
  }
}
