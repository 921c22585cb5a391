import type { Mysql, Row } from '../storage/mysql.js'
import type { AuditAction, AuditEntry, AuditStore } from './audit-log.js'

const COLUMNS = 'app_id, id, at, actor, action, room_id, target_user_id, target_message_id, reason, details'

/** The audit log in MySQL (`audit_log`). */
export class MysqlAuditStore implements AuditStore {
  constructor(private readonly db: Mysql) {}

  async append(e: AuditEntry): Promise<void> {
    await this.db.query(`INSERT INTO audit_log (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
      e.appId,
      e.id,
      e.at,
      e.actor,
      e.action,
      e.roomId,
      e.targetUserId,
      e.targetMessageId,
      e.reason,
      e.details === null ? null : JSON.stringify(e.details),
    ])
  }

  async list(appId: string, page: { limit: number; before?: string }): Promise<AuditEntry[]> {
    const rows = await this.db.query<Row[]>(
      page.before === undefined
        ? `SELECT ${COLUMNS} FROM audit_log WHERE app_id = ? ORDER BY id DESC LIMIT ?`
        : `SELECT ${COLUMNS} FROM audit_log WHERE app_id = ? AND id < ? ORDER BY id DESC LIMIT ?`,
      page.before === undefined ? [appId, page.limit] : [appId, page.before, page.limit],
    )
    return rows.map(toEntry)
  }
}

function toEntry(row: Row): AuditEntry {
  return {
    id: row.id,
    appId: row.app_id,
    at: row.at as Date,
    actor: row.actor,
    action: row.action as AuditAction,
    roomId: row.room_id ?? null,
    targetUserId: row.target_user_id ?? null,
    targetMessageId: row.target_message_id ?? null,
    reason: row.reason ?? null,
    details: row.details === null ? null : (JSON.parse(row.details) as Record<string, unknown>),
  }
}
