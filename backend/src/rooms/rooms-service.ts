import type { Page, Room } from '@roomful/sdk/protocol'
import { channels, type Bus } from '../bus/bus.js'
import { RoomfulError } from '../errors.js'
import { newSortableId } from '../ids.js'
import type { PresenceStore } from '../presence/presence-store.js'
import { DEFAULT_ROOM_SETTINGS, type RoomRecord, type RoomStore } from './room-store.js'

export const lobbyTopic = (appId: string) => `l/${appId}`

/** How long the room list waits for presence before listing occupancy as unknown. */
const OCCUPANCY_WAIT_MS = 500

/** `occupancy` null: presence could not be read; the room goes out with 0 and the flag. */
const toRoom = (record: RoomRecord, occupancy: number | null): Room => ({
  id: record.id,
  name: record.name,
  topic: record.topic,
  createdAt: record.createdAt.toISOString(),
  createdBy: record.createdBy,
  occupancy: occupancy ?? 0,
  ...(occupancy === null && { occupancyUnknown: true }),
  lastSeq: record.lastSeq,
  slowModeSeconds: record.slowModeSeconds,
  readOnly: record.readOnly,
  archived: record.archived,
})

export class RoomsService {
  constructor(
    private readonly deps: {
      rooms: RoomStore
      presence: PresenceStore
      bus: Bus
      /** False while the presence store is known to be down (the health monitor). */
      presenceReachable?: () => boolean
    },
  ) {}

  async create(appId: string, createdBy: string, input: { name: string; topic?: string }): Promise<Room> {
    const record = await this.deps.rooms.create({
      id: newSortableId('r'),
      appId,
      name: input.name,
      topic: input.topic || null,
      createdBy,
      createdAt: new Date(),
      lastSeq: 0,
      ...DEFAULT_ROOM_SETTINGS,
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
    return this.view(await this.require(appId, roomId))
  }

  /** A stored room as clients see it, with its occupancy now. */
  async view(record: RoomRecord): Promise<Room> {
    const counts = await this.occupancy(record.appId, [record.id])
    return toRoom(record, counts?.[0] ?? null)
  }

  /** Newest first. One SQL statement and one Redis round trip, whatever the page size. The
   * rooms live in MySQL, so without Redis the list still answers, occupancy marked unknown. */
  async list(appId: string, page: { limit: number; cursor?: string }): Promise<Page<Room>> {
    const records = await this.deps.rooms.list(appId, { limit: page.limit + 1, after: page.cursor })
    const items = records.slice(0, page.limit)
    const counts =
      items.length > 0
        ? await this.occupancy(
            appId,
            items.map((r) => r.id),
          )
        : []
    return {
      items: items.map((record, i) => toRoom(record, counts ? (counts[i] ?? 0) : null)),
      nextCursor: records.length > page.limit ? (items.at(-1)?.id ?? null) : null,
    }
  }

  /** Occupancy of `roomIds`, or null when presence is down or does not answer in time. */
  private async occupancy(appId: string, roomIds: string[]): Promise<number[] | null> {
    if (this.deps.presenceReachable?.() === false) return null
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<null>((resolve) => (timer = setTimeout(resolve, OCCUPANCY_WAIT_MS, null)))
    try {
      return await Promise.race([this.deps.presence.occupancy(appId, roomIds), late])
    } catch {
      return null
    } finally {
      clearTimeout(timer)
    }
  }

  static toRoom = toRoom
}
