import type { SanctionKind } from '@roomful/sdk/protocol'
import type { Mysql, Row } from '../storage/mysql.js'
import type { SanctionFilter, SanctionKey, SanctionRecord, SanctionStore } from './sanction-store.js'

const COLUMNS = 'app_id, kind, user_id, room_id, reason, created_by, created_at, expires_at'
// A primary key cannot hold NULL: an app-wide sanction is stored with room_id ''.
const APP_WIDE = ''
const ACTIVE = '(expires_at IS NULL OR expires_at > ?)'

/** Sanctions in MySQL (`sanctions`, migration 7). */
export class MysqlSanctionStore implements SanctionStore {
  constructor(private readonly db: Mysql) {}

  async upsert(s: SanctionRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO sanctions (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE reason = VALUES(reason), created_by = VALUES(created_by),
         created_at = VALUES(created_at), expires_at = VALUES(expires_at)`,
      [s.appId, s.kind, s.userId, s.roomId ?? APP_WIDE, s.reason, s.createdBy, s.createdAt, s.expiresAt],
    )
  }

  async lift(key: SanctionKey, now = new Date()): Promise<SanctionRecord | null> {
    const where = 'app_id = ? AND kind = ? AND user_id = ? AND room_id = ?'
    const values = [key.appId, key.kind, key.userId, key.roomId ?? APP_WIDE]
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<Row[]>(
        `SELECT ${COLUMNS} FROM sanctions WHERE ${where} AND ${ACTIVE} FOR UPDATE`,
        [...values, now],
      )
      await tx.query(`DELETE FROM sanctions WHERE ${where}`, values)
      return rows[0] ? toSanction(rows[0]) : null
    })
  }

  async listActive(appId: string, filter: SanctionFilter = {}, now = new Date()): Promise<SanctionRecord[]> {
    const conditions = ['app_id = ?', ACTIVE]
    const values: unknown[] = [appId, now]
    if (filter.kind !== undefined) {
      conditions.push('kind = ?')
      values.push(filter.kind)
    }
    if (filter.roomId !== undefined) {
      conditions.push('room_id = ?')
      values.push(filter.roomId)
    }
    const rows = await this.db.query<Row[]>(
      `SELECT ${COLUMNS} FROM sanctions WHERE ${conditions.join(' AND ')}
       ORDER BY created_at DESC, user_id, kind, room_id`,
      values,
    )
    return rows.map(toSanction)
  }

  async applying(appId: string, userId: string, roomId: string | null, now = new Date()) {
    const rows = await this.db.query<Row[]>(
      `SELECT ${COLUMNS} FROM sanctions
       WHERE app_id = ? AND user_id = ? AND room_id IN (?, ?) AND ${ACTIVE}
       ORDER BY created_at DESC, kind, room_id`,
      [appId, userId, APP_WIDE, roomId ?? APP_WIDE, now],
    )
    return rows.map(toSanction)
  }
}

function toSanction(row: Row): SanctionRecord {
  return {
    appId: row.app_id,
    kind: row.kind as SanctionKind,
    userId: row.user_id,
    roomId: row.room_id === APP_WIDE ? null : row.room_id,
    reason: row.reason ?? null,
    createdBy: row.created_by,
    createdAt: row.created_at as Date,
    expiresAt: (row.expires_at as Date | null) ?? null,
  }
}
