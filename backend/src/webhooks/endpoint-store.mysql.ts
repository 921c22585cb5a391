import type { Mysql, ResultHeader, Row } from '../storage/mysql.js'
import { patchAssignments, type PatchColumns } from '../storage/sql-patch.js'
import type { EndpointPatch, EndpointRecord, EndpointStore } from './endpoint-store.js'
import type { WebhookEventType } from './webhooks.js'

const COLUMNS =
  'app_id, id, url, events, secret, previous_secret, previous_secret_expires_at, enabled, created_at'

/** Column and SQL value of each patchable field. */
const PATCH_COLUMNS: PatchColumns<EndpointPatch> = {
  url: ['url', (v) => v],
  events: ['events', (v) => JSON.stringify(v)],
  secret: ['secret', (v) => v],
  previousSecret: ['previous_secret', (v) => v],
  previousSecretExpiresAt: ['previous_secret_expires_at', (v) => v],
  enabled: ['enabled', (v) => (v ? 1 : 0)],
}

/** Endpoints in MySQL (`webhook_endpoints`). */
export class MysqlEndpointStore implements EndpointStore {
  constructor(private readonly db: Mysql) {}

  async create(e: EndpointRecord): Promise<void> {
    await this.db.query(`INSERT INTO webhook_endpoints (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
      e.appId,
      e.id,
      e.url,
      JSON.stringify(e.events),
      e.secret,
      e.previousSecret,
      e.previousSecretExpiresAt,
      e.enabled ? 1 : 0,
      e.createdAt,
    ])
  }

  async get(appId: string, id: string): Promise<EndpointRecord | null> {
    const rows = await this.db.query<Row[]>(
      `SELECT ${COLUMNS} FROM webhook_endpoints WHERE app_id = ? AND id = ?`,
      [appId, id],
    )
    return rows[0] ? toEndpoint(rows[0]) : null
  }

  async list(appId: string): Promise<EndpointRecord[]> {
    const rows = await this.db.query<Row[]>(
      `SELECT ${COLUMNS} FROM webhook_endpoints WHERE app_id = ? ORDER BY id`,
      [appId],
    )
    return rows.map(toEndpoint)
  }

  async update(appId: string, id: string, patch: EndpointPatch): Promise<EndpointRecord | null> {
    const { sets, values } = patchAssignments(patch, PATCH_COLUMNS)
    if (sets.length > 0)
      await this.db.query(`UPDATE webhook_endpoints SET ${sets.join(', ')} WHERE app_id = ? AND id = ?`, [
        ...values,
        appId,
        id,
      ])
    return this.get(appId, id)
  }

  async delete(appId: string, id: string): Promise<boolean> {
    const result = await this.db.query<ResultHeader>(
      'DELETE FROM webhook_endpoints WHERE app_id = ? AND id = ?',
      [appId, id],
    )
    return result.affectedRows > 0
  }
}

function toEndpoint(row: Row): EndpointRecord {
  return {
    id: row.id,
    appId: row.app_id,
    url: row.url,
    events: JSON.parse(row.events) as WebhookEventType[],
    secret: row.secret,
    previousSecret: row.previous_secret ?? null,
    previousSecretExpiresAt: (row.previous_secret_expires_at as Date | null) ?? null,
    enabled: Boolean(row.enabled),
    createdAt: row.created_at as Date,
  }
}
