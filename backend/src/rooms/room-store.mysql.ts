import { isDuplicateKey, type Mysql, type Row } from '../storage/mysql.js'
import type { RoomRecord, RoomStore } from './room-store.js'

const COLUMNS = 'app_id, id, name, topic, created_by, created_at, last_seq'

/**
 * Rooms in MySQL. `last_seq` is the room's seq counter: the message store bumps it in the
 * transaction that inserts the messages, so seqs survive anything Redis goes through.
 */
export class MysqlRoomStore implements RoomStore {
  constructor(private readonly db: Mysql) {}

  async create(room: RoomRecord): Promise<RoomRecord> {
    try {
      await this.db.query(`INSERT INTO rooms (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`, [
        room.appId,
        room.id,
        room.name,
        room.topic,
        room.createdBy,
        room.createdAt,
        room.lastSeq,
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
            `SELECT ${COLUMNS} FROM rooms WHERE app_id = ? ORDER BY id DESC LIMIT ?`,
            [appId, limit],
          )
        : await this.db.query<Row[]>(
            `SELECT ${COLUMNS} FROM rooms WHERE app_id = ? AND id < ? ORDER BY id DESC LIMIT ?`,
            [appId, page.after, limit],
          )
    return rows.map(toRoom)
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
  }
}
