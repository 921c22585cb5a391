import { isDuplicateKey, type Mysql, type Row } from '../storage/mysql.js'
import type { ReportRecord, ReportStatus, ReportStore } from './report-store.js'

const COLUMNS =
  'app_id, id, room_id, message_id, reported_by, reason, status, created_at, resolved_by, resolved_at'

/** Reports in MySQL; the unique key (app, room, message, reporter) makes a repeat return the first. */
export class MysqlReportStore implements ReportStore {
  constructor(private readonly db: Mysql) {}

  async create(report: ReportRecord): Promise<{ report: ReportRecord; created: boolean }> {
    try {
      await this.db.query(`INSERT INTO reports (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
        report.appId,
        report.id,
        report.roomId,
        report.messageId,
        report.reportedBy,
        report.reason,
        report.status,
        report.createdAt,
        report.resolvedBy,
        report.resolvedAt,
      ])
      return { report: { ...report }, created: true }
    } catch (err) {
      if (!isDuplicateKey(err)) throw err
      const rows = await this.db.query<Row[]>(
        `SELECT ${COLUMNS} FROM reports WHERE app_id = ? AND room_id = ? AND message_id = ? AND reported_by = ?`,
        [report.appId, report.roomId, report.messageId, report.reportedBy],
      )
      // Gone between the two statements only if its room was deleted meanwhile.
      if (!rows[0]) throw err
      return { report: toReport(rows[0]), created: false }
    }
  }

  async get(appId: string, id: string): Promise<ReportRecord | null> {
    const rows = await this.db.query<Row[]>(`SELECT ${COLUMNS} FROM reports WHERE app_id = ? AND id = ?`, [
      appId,
      id,
    ])
    return rows[0] ? toReport(rows[0]) : null
  }

  async list(
    appId: string,
    page: { status?: ReportStatus; limit: number; before?: string },
  ): Promise<ReportRecord[]> {
    if (page.limit <= 0) return []
    const where = ['app_id = ?']
    const params: unknown[] = [appId]
    if (page.status !== undefined) {
      where.push('status = ?')
      params.push(page.status)
    }
    if (page.before !== undefined) {
      where.push('id < ?')
      params.push(page.before)
    }
    const rows = await this.db.query<Row[]>(
      `SELECT ${COLUMNS} FROM reports WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`,
      [...params, Math.floor(page.limit)],
    )
    return rows.map(toReport)
  }

  async resolve(appId: string, id: string, by: string, at: Date): Promise<ReportRecord | null> {
    await this.db.query(
      `UPDATE reports SET status = 'resolved', resolved_by = ?, resolved_at = ? WHERE app_id = ? AND id = ? AND status = 'open'`,
      [by, at, appId, id],
    )
    return this.get(appId, id)
  }
}

function toReport(row: Row): ReportRecord {
  return {
    appId: row.app_id,
    id: row.id,
    roomId: row.room_id,
    messageId: row.message_id,
    reportedBy: row.reported_by,
    reason: row.reason,
    status: row.status as ReportStatus,
    createdAt: row.created_at as Date,
    resolvedBy: row.resolved_by ?? null,
    resolvedAt: (row.resolved_at as Date | null) ?? null,
  }
}
