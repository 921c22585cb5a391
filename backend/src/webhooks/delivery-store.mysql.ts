import type { Mysql, ResultHeader, Row } from '../storage/mysql.js'
import { patchAssignments, type PatchColumns } from '../storage/sql-patch.js'
import type {
  DeliveredMark,
  DeliveryPatch,
  DeliveryRecord,
  DeliveryStatus,
  DeliveryStore,
} from './delivery-store.js'
import type { WebhookEventType } from './webhooks.js'

const COLUMNS =
  'app_id, id, endpoint_id, event_type, room_id, message_seq, payload, status, attempts, ' +
  'last_status, last_error, created_at, last_attempt_at, next_attempt_at, delivered_at'
/** Listing leaves the payload out: it can be large, and the list is for looking at states. */
const LIST_COLUMNS = COLUMNS.replace('payload', 'NULL AS payload')

/** Longest `last_error` kept (the column's width). */
const ERROR_CHARS = 500

const same = (v: unknown) => v
const PATCH_COLUMNS: PatchColumns<DeliveryPatch> = {
  payload: ['payload', same],
  status: ['status', same],
  attempts: ['attempts', same],
  lastStatus: ['last_status', same],
  lastError: ['last_error', (v) => v?.slice(0, ERROR_CHARS) ?? null],
  lastAttemptAt: ['last_attempt_at', same],
  nextAttemptAt: ['next_attempt_at', same],
  deliveredAt: ['delivered_at', same],
}

/** Deliveries in MySQL (`webhook_deliveries`). */
export class MysqlDeliveryStore implements DeliveryStore {
  constructor(private readonly db: Mysql) {}

  async insertMany(deliveries: DeliveryRecord[]): Promise<void> {
    if (deliveries.length === 0) return
    const rows = deliveries.map((d) => [
      d.appId,
      d.id,
      d.endpointId,
      d.eventType,
      d.roomId,
      d.messageSeq,
      d.payload,
      d.status,
      d.attempts,
      d.lastStatus,
      d.lastError?.slice(0, ERROR_CHARS) ?? null,
      d.createdAt,
      d.lastAttemptAt,
      d.nextAttemptAt,
      d.deliveredAt,
    ])
    await this.db.query(`INSERT INTO webhook_deliveries (${COLUMNS}) VALUES ?`, [rows])
  }

  async get(appId: string, id: string): Promise<DeliveryRecord | null> {
    const rows = await this.db.query<Row[]>(
      `SELECT ${COLUMNS} FROM webhook_deliveries WHERE app_id = ? AND id = ?`,
      [appId, id],
    )
    return rows[0] ? toDelivery(rows[0]) : null
  }

  async update(
    appId: string,
    id: string,
    patch: DeliveryPatch,
    onlyFrom?: DeliveryStatus[],
  ): Promise<boolean> {
    const { sets, values } = patchAssignments(patch, PATCH_COLUMNS)
    if (sets.length === 0) return (await this.get(appId, id)) !== null
    const guard = onlyFrom ? ` AND status IN (${onlyFrom.map(() => '?').join(', ')})` : ''
    const result = await this.db.query<ResultHeader>(
      `UPDATE webhook_deliveries SET ${sets.join(', ')} WHERE app_id = ? AND id = ?${guard}`,
      [...values, appId, id, ...(onlyFrom ?? [])],
    )
    return result.affectedRows > 0
  }

  async markDelivered(marks: DeliveredMark[]): Promise<void> {
    const byApp = new Map<string, DeliveredMark[]>()
    for (const mark of marks) {
      const rows = byApp.get(mark.appId)
      if (rows) rows.push(mark)
      else byApp.set(mark.appId, [mark])
    }
    for (const [appId, rows] of byApp) {
      // One statement for the batch: each row's own values picked by id.
      const perRow = (column: string, value: (mark: DeliveredMark) => unknown) => ({
        sql: `${column} = CASE id ${rows.map(() => 'WHEN ? THEN ?').join(' ')} END`,
        values: rows.flatMap((mark) => [mark.id, value(mark)]),
      })
      const sets = [
        perRow('attempts', (m) => m.attempts),
        perRow('last_status', (m) => m.lastStatus),
        perRow('last_attempt_at', (m) => m.lastAttemptAt),
        perRow('delivered_at', (m) => m.deliveredAt),
      ]
      await this.db.query(
        `UPDATE webhook_deliveries SET status = 'delivered', payload = NULL, last_error = NULL, ` +
          `next_attempt_at = NULL, ${sets.map((set) => set.sql).join(', ')} ` +
          `WHERE app_id = ? AND id IN (${rows.map(() => '?').join(', ')})`,
        [...sets.flatMap((set) => set.values), appId, ...rows.map((mark) => mark.id)],
      )
    }
  }

  async listForMessage(appId: string, roomId: string, seq?: number): Promise<DeliveryRecord[]> {
    const rows = await this.db.query<Row[]>(
      `SELECT ${COLUMNS} FROM webhook_deliveries ` +
        `WHERE app_id = ? AND room_id = ? ${seq === undefined ? '' : 'AND message_seq = ? '}AND payload IS NOT NULL`,
      seq === undefined ? [appId, roomId] : [appId, roomId, seq],
    )
    return rows.map(toDelivery)
  }

  async list(
    appId: string,
    page: { status?: DeliveryStatus; limit: number; before?: string },
  ): Promise<DeliveryRecord[]> {
    const where = ['app_id = ?']
    const values: unknown[] = [appId]
    if (page.status) {
      where.push('status = ?')
      values.push(page.status)
    }
    if (page.before !== undefined) {
      where.push('id < ?')
      values.push(page.before)
    }
    const rows = await this.db.query<Row[]>(
      `SELECT ${LIST_COLUMNS} FROM webhook_deliveries WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`,
      [...values, page.limit],
    )
    return rows.map(toDelivery)
  }

  async prune(olderThan: Date, limit: number): Promise<number> {
    const result = await this.db.query<ResultHeader>(
      'DELETE FROM webhook_deliveries WHERE created_at < ? LIMIT ?',
      [olderThan, limit],
    )
    return result.affectedRows
  }
}

function toDelivery(row: Row): DeliveryRecord {
  return {
    id: row.id,
    appId: row.app_id,
    endpointId: row.endpoint_id,
    eventType: row.event_type as WebhookEventType,
    roomId: row.room_id ?? null,
    messageSeq: row.message_seq === null ? null : Number(row.message_seq),
    payload: row.payload ?? null,
    status: row.status as DeliveryStatus,
    attempts: Number(row.attempts),
    lastStatus: row.last_status === null ? null : Number(row.last_status),
    lastError: row.last_error ?? null,
    createdAt: row.created_at as Date,
    lastAttemptAt: (row.last_attempt_at as Date | null) ?? null,
    nextAttemptAt: (row.next_attempt_at as Date | null) ?? null,
    deliveredAt: (row.delivered_at as Date | null) ?? null,
  }
}
