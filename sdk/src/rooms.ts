import type { Unsubscribe } from './emitter.js'
import type {
  OccupancyEvent,
  RoomCreatedEvent,
  RoomDeletedEvent,
  RoomUpdatedEvent,
} from './protocol/frames.js'
import type { Page, Room } from './protocol/models.js'

/** A lobby feed event: a new room, a room's occupancy changed, a moderator changed a room's
 * settings (an archived room leaves the list, an unarchived one comes back) or deleted it. */
export type LobbyEvent = RoomCreatedEvent | OccupancyEvent | RoomUpdatedEvent | RoomDeletedEvent

/** The app's rooms over REST, and the live lobby feed over the socket. */
export interface Rooms {
  /**
   * One page of rooms, newest first, each with its live occupancy.
   *
   * @example
   * const { items, nextCursor } = await client.rooms.list({ limit: 20 })
   */
  list(options?: { limit?: number; cursor?: string | null }): Promise<Page<Room>>
  /**
   * Create a room.
   *
   * @example
   * const room = await client.rooms.create({ name: 'General', topic: 'Anything goes' })
   */
  create(body: { name: string; topic?: string }): Promise<Room>
  /**
   * One room by id.
   *
   * @example
   * const room = await client.rooms.get('r_123')
   */
  get(id: string): Promise<Room>
  /**
   * Live lobby: rooms created, occupancy changes, settings changes (`room.updated`: drop a room
   * whose `archived` is true) and deletes (`room.deleted`); resubscribed after reconnects.
   *
   * `onLive` is called each time the server has confirmed the feed (the first time and after
   * every reconnect). A page listed after it misses nothing: a room created before then is in
   * the page, one created later arrives as `room.created`. A page listed earlier may miss a
   * room created while the socket was connecting, so list (again) from `onLive`.
   *
   * @example
   * const off = client.rooms.watch(
   *   (e) => {
   *     if (e.type === 'room.created') rooms.unshift(e.room)
   *     else if (e.type === 'occupancy') setOccupancy(e.room, e.occupancy)
   *   },
   *   { onLive: async () => (rooms = (await client.rooms.list()).items) },
   * )
   */
  watch(handler: (event: LobbyEvent) => void, options?: { onLive?: () => void }): Unsubscribe
}
