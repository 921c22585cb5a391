import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate } from '../../src/storage/migrate.js'
import { migrations } from '../../src/storage/migrations.js'
import { createMysql, type Row } from '../../src/storage/mysql.js'
import { freshMysqlDatabase, servicesAvailable } from '../support/services.js'

// Migrations exist only for the MySQL drivers; embedded mode has no schema.
const available = await servicesAvailable()

describe.runIf(available)('migrate [production]', () => {
  let database: Awaited<ReturnType<typeof freshMysqlDatabase>>

  beforeAll(async () => {
    database = await freshMysqlDatabase()
  })

  afterAll(async () => {
    await database?.drop()
  })

  it('applies each migration once when several nodes start at the same time, and is idempotent', async () => {
    const nodes = Array.from({ length: 4 }, () => createMysql(database.url))
    try {
      const applied = await Promise.all(nodes.map((db) => migrate(db)))
      const latest = migrations.map((m) => m.version)
      expect(applied.flat().sort()).toEqual(latest)
      expect(await migrate(nodes[0]!)).toEqual([])
      const rows = await nodes[0]!.query<Row[]>('SELECT version FROM schema_migrations ORDER BY version')
      expect(rows.map((r) => r.version)).toEqual(latest)
      const tables = await nodes[0]!.query<Row[]>('SHOW TABLES')
      expect(tables.map((t) => Object.values(t)[0]).sort()).toEqual(
        [
          'accounts',
          'apps',
          'attachments',
          'audit_log',
          'messages',
          'moderators',
          'refresh_tokens',
          'reports',
          'rooms',
          'sanctions',
          'schema_migrations',
          'webhook_deliveries',
          'webhook_endpoints',
        ].sort(),
      )
    } finally {
      await Promise.all(nodes.map((db) => db.close()))
    }
  })
})
