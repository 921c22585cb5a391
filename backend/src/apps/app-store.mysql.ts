import type { ResultSetHeader } from 'mysql2/promise'
import type { Mysql, Row } from '../storage/mysql.js'
import { patchAssignments, type PatchColumns } from '../storage/sql-patch.js'
import type { AppPatch, AppRecord, AppStore, NewApp, PublicKeyRecord } from './app-store.js'

const COLUMNS =
  'id, name, secret, session_key, allowed_origins, limits, allow_guests, disabled, created_at, ' +
  'previous_secret, previous_secret_expires_at, public_keys, jwks_url'

/** Column and SQL value of each patchable field. */
const PATCH_COLUMNS: PatchColumns<AppPatch> = {
  name: ['name', (v) => v],
  secret: ['secret', (v) => v],
  previousSecret: ['previous_secret', (v) => v],
  previousSecretExpiresAt: ['previous_secret_expires_at', (v) => v],
  allowedOrigins: ['allowed_origins', (v) => JSON.stringify(v)],
  limits: ['limits', (v) => JSON.stringify(v)],
  allowGuests: ['allow_guests', (v) => (v ? 1 : 0)],
  disabled: ['disabled', (v) => (v ? 1 : 0)],
  publicKeys: ['public_keys', (v) => JSON.stringify(v)],
  jwksUrl: ['jwks_url', (v) => v],
}

/** Apps in MySQL. */
export class MysqlAppStore implements AppStore {
  constructor(private readonly db: Mysql) {}

  async get(appId: string): Promise<AppRecord | null> {
    const rows = await this.db.query<Row[]>(`SELECT ${COLUMNS} FROM apps WHERE id = ?`, [appId])
    return rows[0] ? toApp(rows[0]) : null
  }

  async ensure(app: NewApp): Promise<AppRecord> {
    // INSERT IGNORE keeps an existing app untouched, as ensure() promises, and is race-free.
    await this.db.query(
      `INSERT IGNORE INTO apps (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        app.id,
        app.name,
        app.secret,
        app.sessionKey,
        JSON.stringify(app.allowedOrigins),
        JSON.stringify(app.limits),
        app.allowGuests ? 1 : 0,
        app.disabled ? 1 : 0,
        new Date(),
        app.previousSecret ?? null,
        app.previousSecretExpiresAt ?? null,
        JSON.stringify(app.publicKeys ?? []),
        app.jwksUrl ?? null,
      ],
    )
    return (await this.get(app.id)) as AppRecord
  }

  async list(): Promise<AppRecord[]> {
    const rows = await this.db.query<Row[]>(`SELECT ${COLUMNS} FROM apps ORDER BY id`)
    return rows.map(toApp)
  }

  async update(appId: string, patch: AppPatch): Promise<AppRecord | null> {
    const { sets, values } = patchAssignments(patch, PATCH_COLUMNS)
    if (sets.length > 0)
      await this.db.query(`UPDATE apps SET ${sets.join(', ')} WHERE id = ?`, [...values, appId])
    return this.get(appId)
  }

  async delete(appId: string): Promise<boolean> {
    const result = await this.db.query<ResultSetHeader>('DELETE FROM apps WHERE id = ?', [appId])
    return result.affectedRows > 0
  }
}

function toApp(row: Row): AppRecord {
  return {
    id: row.id,
    name: row.name,
    secret: row.secret,
    previousSecret: row.previous_secret ?? null,
    previousSecretExpiresAt: (row.previous_secret_expires_at as Date | null) ?? null,
    sessionKey: row.session_key,
    allowedOrigins: JSON.parse(row.allowed_origins) as string[],
    limits: JSON.parse(row.limits) as AppRecord['limits'],
    allowGuests: Boolean(row.allow_guests),
    disabled: Boolean(row.disabled),
    publicKeys: row.public_keys ? (JSON.parse(row.public_keys) as PublicKeyRecord[]) : [],
    jwksUrl: row.jwks_url ?? null,
    createdAt: row.created_at as Date,
  }
}
