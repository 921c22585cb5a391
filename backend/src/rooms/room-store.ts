export interface RoomRecord {
  id: string
  appId: string
  name: string
  topic: string | null
  createdBy: string
  createdAt: Date
  /** Seq of the newest message; 0 when empty. */
  lastSeq: number
  /** 0 = off. */
  slowModeSeconds: number
  readOnly: boolean
  archived: boolean
}

/** The settings a moderator changes; absent ones stay as they are. */
export type RoomSettingsPatch = Partial<Pick<RoomRecord, 'slowModeSeconds' | 'readOnly' | 'archived'>>

/** New rooms start with every setting off. */
export const DEFAULT_ROOM_SETTINGS = { slowModeSeconds: 0, readOnly: false, archived: false } as const

export interface RoomStore {
  create(room: RoomRecord): Promise<RoomRecord>
  get(appId: string, roomId: string): Promise<RoomRecord | null>
  /** Rooms with these ids (any order; missing ids are skipped). One statement. */
  getMany(appId: string, roomIds: string[]): Promise<RoomRecord[]>
  /** Newest first, keyset-paginated: rooms created before the room `after` (exclusive).
   * Room ids sort by creation time, so the cursor is the last id of the previous page.
   * Archived rooms are left out. Exactly one statement whatever the limit. */
  list(appId: string, page: { limit: number; after?: string }): Promise<RoomRecord[]>
  /** Applies `patch` to the room's settings; the room as it is now, or null when there is none. */
  update(appId: string, roomId: string, patch: RoomSettingsPatch): Promise<RoomRecord | null>
  /**
   * Removes the room with its messages, attachment records and reports, all or nothing (one
   * transaction in MySQL): no reader ever sees a half-deleted room. False when there was none.
   */
  delete(appId: string, roomId: string): Promise<boolean>
}
