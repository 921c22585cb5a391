import { isDuplicateKey, type Mysql, type Row } from '../storage/mysql.js'
import type { RoomRecord, RoomSettingsPatch, RoomStore } from './room-store.js'

const COLUMNS =
  'app_id, id, name, topic, created_by, created_at, last_seq, slow_mode_seconds, read_only, archived'
const SETTING_COLUMNS = { slowModeSeconds: 'slow_mode_seconds', readOnly: 'read_only', archived: 'archived' }
/** A room's rows in other tables, removed with it; messages last, as they are the most. */
const ROOM_DATA = ['reports', 'attachments', 'messages']

/**
 * Rooms in MySQL. `last_seq` is the room's seq counter: the message store bumps it in the
 * transaction that inserts the messages, so seqs survive anything Redis goes through.
 */
export class MysqlRoomStore implements RoomStore {
  constructor(private readonly db: Mysql) {}

  async create(room: RoomRecord): Promise<RoomRecord> {
    try {
      await this.db.query(`INSERT INTO rooms (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
        room.appId,
        room.id,
        room.name,
        room.topic,
        room.createdBy,
        room.createdAt,
        room.lastSeq,
        room.slowModeSeconds,
        room.readOnly,
        room.archived,
      ])
      return { ...room }
    } catch (err) {
      // Same as the embedded store: creating an existing id returns the room as it is.
      if (!isDuplicateKey(err)) throw err
      return (await this.get(room.appId, room.id)) as RoomRecord
    }
  }

  async get(appId: string, roomId: string): Promise<RoomRecord | null> {
    const rows = await this.db.query<Row[]>(`SELECT ${COLUMNS} FROM rooms WHERE app_id = ? AND id = ?`, [
      appId,
      roomId,
    ])
    return rows[0] ? toRoom(rows[0]) : null
  }

  async getMany(appId: string, roomIds: string[]): Promise<RoomRecord[]> {
    if (roomIds.length === 0) return []
    const rows = await this.db.query<Row[]>(`SELECT ${COLUMNS} FROM rooms WHERE app_id = ? AND id IN (?)`, [
      appId,
      [...new Set(roomIds)],
    ])
    return rows.map(toRoom)
  }

  async list(appId: string, page: { limit: number; after?: string }): Promise<RoomRecord[]> {
    if (page.limit <= 0) return []
    const limit = Math.floor(page.limit)
    const rows =
      page.after === undefined
        ? await this.db.query<Row[]>(
            `SELECT ${COLUMNS} FROM rooms WHERE app_id = ? AND archived = 0 ORDER BY id DESC LIMIT ?`,
            [appId, limit],
          )
        : await this.db.query<Row[]>(
            `SELECT ${COLUMNS} FROM rooms WHERE app_id = ? AND id < ? AND archived = 0 ORDER BY id DESC LIMIT ?`,
            [appId, page.after, limit],
          )
    return rows.map(toRoom)
  }

  async update(appId: string, roomId: string, patch: RoomSettingsPatch): Promise<RoomRecord | null> {
    const changes = Object.entries(SETTING_COLUMNS).filter(
      ([key]) => patch[key as keyof RoomSettingsPatch] !== undefined,
    )
    if (changes.length > 0)
      await this.db.query(
        `UPDATE rooms SET ${changes.map(([, column]) => `${column} = ?`).join(', ')} WHERE app_id = ? AND id = ?`,
        [...changes.map(([key]) => patch[key as keyof RoomSettingsPatch]), appId, roomId],
      )
    return this.get(appId, roomId)
  }

  /**
   * One transaction: the room row is locked first, so a send committing into the room either
   * finished before (its message is deleted with the rest) or waits and then finds no room.
   */
  async delete(appId: string, roomId: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<Row[]>('SELECT id FROM rooms WHERE app_id = ? AND id = ? FOR UPDATE', [
        appId,
        roomId,
      ])
      if (rows.length === 0) return false
      for (const table of ROOM_DATA)
        await tx.query(`DELETE FROM ${table} WHERE app_id = ? AND room_id = ?`, [appId, roomId])
      await tx.query('DELETE FROM rooms WHERE app_id = ? AND id = ?', [appId, roomId])
      return true
    })
  }
}

function toRoom(row: Row): RoomRecord {
  return {
    id: row.id,
    appId: row.app_id,
    name: row.name,
    topic: row.topic,
    createdBy: row.created_by,
    createdAt: row.created_at as Date,
    lastSeq: Number(row.last_seq),
    slowModeSeconds: Number(row.slow_mode_seconds),
    readOnly: Number(row.read_only) === 1,
    archived: Number(row.archived) === 1,
  }
}
