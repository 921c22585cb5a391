export interface RoomRecord {
  id: string
  appId: string
  name: string
  topic: string | null
  createdBy: string
  createdAt: Date
  /** Seq of the newest message; 0 when empty. */
  lastSeq: number
}

export interface RoomStore {
  create(room: RoomRecord): Promise<RoomRecord>
  get(appId: string, roomId: string): Promise<RoomRecord | null>
  /** Rooms with these ids (any order; missing ids are skipped). One statement. */
  getMany(appId: string, roomIds: string[]): Promise<RoomRecord[]>
  /** Newest first, keyset-paginated: rooms created before the room `after` (exclusive).
   * Room ids sort by creation time, so the cursor is the last id of the previous page.
   * Exactly one statement whatever the limit. */
  list(appId: string, page: { limit: number; after?: string }): Promise<RoomRecord[]>
}
