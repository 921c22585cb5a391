import type { Mysql, Row } from '../storage/mysql.js'
import type { AppRecord, AppStore, NewApp } from './app-store.js'

const COLUMNS = 'id, name, secret, session_key, allowed_origins, limits, allow_guests, disabled, created_at'

/** Apps in MySQL. */
export class MysqlAppStore implements AppStore {
  constructor(private readonly db: Mysql) {}

  async get(appId: string): Promise<AppRecord | null> {
    const rows = await this.db.query<Row[]>(`SELECT ${COLUMNS} FROM apps WHERE id = ?`, [appId])
    return rows[0] ? toApp(rows[0]) : null
  }

  async ensure(app: NewApp): Promise<AppRecord> {
    // INSERT IGNORE keeps an existing app untouched, as ensure() promises, and is race-free.
    await this.db.query(`INSERT IGNORE INTO apps (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
      app.id,
      app.name,
      app.secret,
      app.sessionKey,
      JSON.stringify(app.allowedOrigins),
      JSON.stringify(app.limits),
      app.allowGuests ? 1 : 0,
      app.disabled ? 1 : 0,
      new Date(),
    ])
    return (await this.get(app.id)) as AppRecord
  }

  async list(): Promise<AppRecord[]> {
    const rows = await this.db.query<Row[]>(`SELECT ${COLUMNS} FROM apps ORDER BY id`)
    return rows.map(toApp)
  }
}

function toApp(row: Row): AppRecord {
  return {
    id: row.id,
    name: row.name,
    secret: row.secret,
    sessionKey: row.session_key,
    allowedOrigins: JSON.parse(row.allowed_origins) as string[],
    limits: JSON.parse(row.limits) as AppRecord['limits'],
    allowGuests: Boolean(row.allow_guests),
    disabled: Boolean(row.disabled),
    createdAt: row.created_at as Date,
  }
}
