import type { Mysql, Row } from './mysql.js'
import { migrations as all, type Migration } from './migrations.js'

const LOCK = 'roomful_migrate'
// Each GET_LOCK waits less than the per-query timeout; retried up to about a minute.
const LOCK_WAIT_S = 2
const LOCK_TRIES = 30

/**
 * Brings the schema up to date. Idempotent, and safe when several nodes start at once: they
 * queue on a named lock, and each applies only what the `schema_migrations` table says is
 * missing once it holds the lock. DDL auto-commits in MySQL, so every statement is written to
 * be re-runnable (IF NOT EXISTS) in case a node dies between a statement and its bookkeeping.
 */
export async function migrate(
  db: Mysql,
  options: { migrations?: Migration[]; log?: (msg: string) => void } = {},
): Promise<number[]> {
  const migrations = [...(options.migrations ?? all)].sort((a, b) => a.version - b.version)
  // GET_LOCK belongs to a session, so lock, work and unlock share one connection; autocommit,
  // so that every bookkeeping row is committed before the lock lets the next node read them.
  return db.withConnection(async (conn) => {
    let got = false
    for (let i = 0; i < LOCK_TRIES && !got; i++) {
      const [lock] = await conn.query<Row[]>('SELECT GET_LOCK(?, ?) AS got', [LOCK, LOCK_WAIT_S])
      got = Number(lock?.got) === 1
    }
    if (!got) throw new Error('unable to migrate; another node held the migration lock for a minute')
    try {
      await conn.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INT NOT NULL PRIMARY KEY,
        name VARCHAR(200) NOT NULL,
        applied_at DATETIME(3) NOT NULL
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`)
      const rows = await conn.query<Row[]>('SELECT version FROM schema_migrations')
      const done = new Set(rows.map((r) => Number(r.version)))
      const applied: number[] = []
      for (const migration of migrations) {
        if (done.has(migration.version)) continue
        for (const statement of migration.statements) await conn.query(statement)
        await conn.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
          migration.version,
          migration.name,
          new Date(),
        ])
        options.log?.(`applied migration ${migration.version}-${migration.name}`)
        applied.push(migration.version)
      }
      return applied
    } finally {
      await conn.query('SELECT RELEASE_LOCK(?)', [LOCK])
    }
  })
}
