import type { RoomRecord, RoomSettingsPatch, RoomStore } from './room-store.js'

interface AppRooms {
  byId: Map<string, RoomRecord>
  /** Ids ascending (ASCII order, as MySQL's ascii_bin), kept sorted on insert. */
  ids: string[]
}

/** Rooms in process memory (embedded mode). The message store bumps `lastSeq` through `bumpSeq`. */
export class MemoryRoomStore implements RoomStore {
  private readonly apps = new Map<string, AppRooms>()
  /** The other embedded stores holding a room's data (messages, attachments, reports): told
   * of a delete in the same tick, so nothing of the room is seen without the room. */
  private readonly onDelete: Array<(appId: string, roomId: string) => void> = []

  /** Registers a store that drops a room's data when the room is deleted. */
  whenDeleted(drop: (appId: string, roomId: string) => void): void {
    this.onDelete.push(drop)
  }

  async create(room: RoomRecord): Promise<RoomRecord> {
    const app = this.app(room.appId)
    const existing = app.byId.get(room.id)
    if (existing) return copy(existing)
    const record = copy(room)
    app.byId.set(room.id, record)
    app.ids.splice(lowerBound(app.ids, room.id), 0, room.id)
    return copy(record)
  }

  async get(appId: string, roomId: string): Promise<RoomRecord | null> {
    const room = this.apps.get(appId)?.byId.get(roomId)
    return room ? copy(room) : null
  }

  async getMany(appId: string, roomIds: string[]): Promise<RoomRecord[]> {
    const app = this.apps.get(appId)
    if (!app) return []
    const out: RoomRecord[] = []
    for (const id of new Set(roomIds)) {
      const room = app.byId.get(id)
      if (room) out.push(copy(room))
    }
    return out
  }

  async list(appId: string, page: { limit: number; after?: string }): Promise<RoomRecord[]> {
    const app = this.apps.get(appId)
    if (!app || page.limit <= 0) return []
    const end = page.after === undefined ? app.ids.length : lowerBound(app.ids, page.after)
    const out: RoomRecord[] = []
    for (let i = end - 1; i >= 0 && out.length < page.limit; i--) {
      const room = app.byId.get(app.ids[i] as string) as RoomRecord
      if (!room.archived) out.push(copy(room))
    }
    return out
  }

  async update(appId: string, roomId: string, patch: RoomSettingsPatch): Promise<RoomRecord | null> {
    const room = this.apps.get(appId)?.byId.get(roomId)
    if (!room) return null
    for (const [key, value] of Object.entries(patch))
      if (value !== undefined) Object.assign(room, { [key]: value })
    return copy(room)
  }

  async delete(appId: string, roomId: string): Promise<boolean> {
    const app = this.apps.get(appId)
    if (!app?.byId.delete(roomId)) return false
    app.ids.splice(lowerBound(app.ids, roomId), 1)
    for (const drop of this.onDelete) drop(appId, roomId)
    return true
  }

  has(appId: string, roomId: string): boolean {
    return this.apps.get(appId)?.byId.has(roomId) ?? false
  }

  /** Reserves `count` seqs; returns the first, or null when the room does not exist. */
  bumpSeq(appId: string, roomId: string, count: number): number | null {
    const room = this.apps.get(appId)?.byId.get(roomId)
    if (!room) return null
    const first = room.lastSeq + 1
    room.lastSeq += count
    return first
  }

  private app(appId: string): AppRooms {
    let app = this.apps.get(appId)
    if (!app) {
      app = { byId: new Map(), ids: [] }
      this.apps.set(appId, app)
    }
    return app
  }
}

function lowerBound(sorted: string[], id: string): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((sorted[mid] as string) < id) lo = mid + 1
    else hi = mid
  }
  return lo
}

const copy = (room: RoomRecord): RoomRecord => ({ ...room, createdAt: new Date(room.createdAt) })
