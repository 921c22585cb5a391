import type { Page, Room } from '@roomful/sdk/protocol'
import { channels, type Bus } from '../bus/bus.js'
import { RoomfulError } from '../errors.js'
import { newSortableId } from '../ids.js'
import type { PresenceStore } from '../presence/presence-store.js'
import type { RoomRecord, RoomStore } from './room-store.js'

export const lobbyTopic = (appId: string) => `l/${appId}`

const toRoom = (record: RoomRecord, occupancy: number): Room => ({
  id: record.id,
  name: record.name,
  topic: record.topic,
  createdAt: record.createdAt.toISOString(),
  createdBy: record.createdBy,
  occupancy,
  lastSeq: record.lastSeq,
})

export class RoomsService {
  constructor(private readonly deps: { rooms: RoomStore; presence: PresenceStore; bus: Bus }) {}

  async create(appId: string, createdBy: string, input: { name: string; topic?: string }): Promise<Room> {
    const record = await this.deps.rooms.create({
      id: newSortableId('r'),
      appId,
      name: input.name,
      topic: input.topic || null,
      createdBy,
      createdAt: new Date(),
      lastSeq: 0,
    })
    const room = toRoom(record, 0)
    await this.deps.bus.publish(channels.lobby(appId), JSON.stringify({ type: 'room.created', room }))
    return room
  }

  async require(appId: string, roomId: string): Promise<RoomRecord> {
    const record = await this.deps.rooms.get(appId, roomId)
    if (!record) throw new RoomfulError('room_not_found', `unable to find room "${roomId}" in this app`)
    return record
  }

  async get(appId: string, roomId: string): Promise<Room> {
    const record = await this.require(appId, roomId)
    const [occupancy] = await this.deps.presence.occupancy(appId, [roomId])
    return toRoom(record, occupancy ?? 0)
  }

  /** Newest first. One SQL statement and one Redis round trip, whatever the page size. */
  async list(appId: string, page: { limit: number; cursor?: string }): Promise<Page<Room>> {
    const records = await this.deps.rooms.list(appId, { limit: page.limit + 1, after: page.cursor })
    const items = records.slice(0, page.limit)
    const counts =
      items.length > 0
        ? await this.deps.presence.occupancy(
            appId,
            items.map((r) => r.id),
          )
        : []
    return {
      items: items.map((record, i) => toRoom(record, counts[i] ?? 0)),
      nextCursor: records.length > page.limit ? (items.at(-1)?.id ?? null) : null,
    }
  }

  static toRoom = toRoom
}
