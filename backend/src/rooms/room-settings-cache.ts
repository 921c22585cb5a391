import type { RoomSettings } from '@roomful/sdk/protocol'
import { LruCache } from '../apps/lru-cache.js'
import type { RoomStore } from './room-store.js'

/** Rooms whose settings one node keeps; a room past it is read again on its next send. */
const MAX_ROOMS = 50_000
/** A safety net only: updates arrive over the bus at once, and a bus loss clears the cache. */
const TTL_MS = 60_000

/**
 * Each node's copy of its rooms' settings, so a send reads no SQL: filled by joins (which read
 * the room anyway) and by the rare send that finds no entry, kept current by the room-control
 * bus channel (room-control.ts) on every node.
 */
export class RoomSettingsCache {
  private readonly cache = new LruCache<string, RoomSettings>(MAX_ROOMS)

  constructor(private readonly rooms: Pick<RoomStore, 'get'>) {}

  /** The room's settings; null when it does not exist. One SQL statement only on a miss. */
  async get(appId: string, roomId: string): Promise<RoomSettings | null> {
    const cached = this.cache.get(key(appId, roomId))
    if (cached) return cached
    const record = await this.rooms.get(appId, roomId)
    if (!record) return null
    return this.fill(appId, roomId, record)
  }

  /** The settings kept here, without reading the store. */
  peek(appId: string, roomId: string): RoomSettings | undefined {
    return this.cache.get(key(appId, roomId))
  }

  /** Keeps what a join just read, unless a newer copy (from the bus) is already here. */
  fill(appId: string, roomId: string, settings: RoomSettings): RoomSettings {
    const cached = this.cache.get(key(appId, roomId))
    if (cached) return cached
    return this.set(appId, roomId, settings)
  }

  /** The settings as a moderator just changed them. */
  set(appId: string, roomId: string, { slowModeSeconds, readOnly, archived }: RoomSettings): RoomSettings {
    const settings = { slowModeSeconds, readOnly, archived }
    this.cache.set(key(appId, roomId), settings, TTL_MS)
    return settings
  }

  forget(appId: string, roomId: string): void {
    this.cache.delete(key(appId, roomId))
  }

  /** Changes may have been missed (the bus was away): read every room again. */
  clear(): void {
    this.cache.clear()
  }
}

const key = (appId: string, roomId: string) => `${appId}\u0000${roomId}`
