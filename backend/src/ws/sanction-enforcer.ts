import { CLOSE } from '@roomful/sdk/protocol'
import type { Logger } from '../logger.js'
import type { SanctionChange } from '../moderation/sanctions-service.js'
import type { PresenceService } from '../presence/presence-service.js'
import type { Connection } from './connection.js'
import { leaveRoomLocally, type HandlerDeps } from './handlers.js'

export interface EnforcerDeps {
  feeds: HandlerDeps['feeds']
  presence: Pick<PresenceService, 'leave'>
  log: Logger
}

/**
 * Applies one sanction to this node's sockets of its user, as every node does when it hears
 * of it: each socket is told (`sanctioned`); a room ban takes them out of that room, an app-wide
 * ban out of every room and then closes them with 4007. They leave presence at once rather
 * than after the grace period a dropped connection gets, so the room sees them go.
 */
export function enforceSanction(connections: Connection[], change: SanctionChange, deps: EnforcerDeps): void {
  // Heard from the bus, outside any uWS callback: corked, so the event and the close leave
  // in one write.
  for (const conn of connections) conn.socket.atomic(() => enforceOn(conn, change, deps))
}

function enforceOn(conn: Connection, change: SanctionChange, deps: EnforcerDeps): void {
  if (change.action === 'lifted') {
    conn.event({ type: 'sanction.lifted', sanction: change.sanction })
    return
  }
  const { sanction } = change
  conn.event({ type: 'sanctioned', sanction })
  if (sanction.kind !== 'ban') return
  const user = conn.identity!
  const rooms = [...conn.rooms].filter(([roomId]) => sanction.roomId === null || roomId === sanction.roomId)
  for (const [roomId, feed] of rooms) {
    leaveRoomLocally(deps, conn, roomId, feed)
    deps.presence
      .leave(conn.app.id, roomId, conn.id, user.id)
      .catch((err: unknown) =>
        deps.log.warn({ err, room: roomId }, 'unable to remove a banned user from presence'),
      )
  }
  if (sanction.roomId === null) conn.close(CLOSE.banned, 'banned from this app')
}
