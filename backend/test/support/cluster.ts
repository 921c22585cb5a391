import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { createConnection, type RowDataPacket } from 'mysql2/promise'
import WebSocket from 'ws'
import { createClient, type Client, type ClientOptions, type Room } from '@roomful/sdk'
import { freshMysqlDatabase } from './services.js'
import { startBackend, type BackendProcess } from './start-backend.js'
import { mintUserToken } from './tokens.js'

const run = promisify(execFile)
const ADMIN = fileURLToPath(new URL('../../dist/cli/admin.js', import.meta.url))

/**
 * Production nodes as operators run them (built backend, one process each) on a fresh MySQL
 * database and the given Redis, with an app made by the admin CLI. For the fault tests, which
 * kill, stop and restart nodes and the stores under them.
 */
export interface Cluster {
  app: { id: string; secret: string }
  nodes: BackendProcess[]
  databaseUrl: string
  /** The environment every node starts with. */
  env: Record<string, string>
  token(sub: string): Promise<string>
  /** An SDK client (through `ws`) for user `sub`, closed by `close()`. */
  client(url: string, sub: string, options?: Partial<ClientOptions>): Promise<Client>
  /** GET on a node with a probe user's token; the parsed body and status. */
  get<T>(url: string, path: string): Promise<{ status: number; body: T }>
  /** Rows of the database (the test's check of what was really stored). */
  query<T extends RowDataPacket>(sql: string, values?: unknown[]): Promise<T[]>
  close(): Promise<void>
}

export async function startCluster(options: {
  nodes: number
  redisUrl: string
  mysqlUrl?: (databaseUrl: string) => string
  env?: Record<string, string>
}): Promise<Cluster> {
  const database = await freshMysqlDatabase()
  const { stdout } = await run(process.execPath, [ADMIN, 'create-app', 'faults', '--guests'], {
    env: { ...process.env, MYSQL_URL: database.url },
  })
  const app = JSON.parse(stdout) as { id: string; secret: string }
  const env = {
    MYSQL_URL: options.mysqlUrl?.(database.url) ?? database.url,
    REDIS_URL: options.redisUrl,
    REDIS_PREFIX: `rf-faults-${randomBytes(4).toString('hex')}:`,
    ...options.env,
  }
  const nodes = await Promise.all(
    Array.from({ length: options.nodes }, (_, i) => startBackend({ env: { ...env, NODE_ID: `node-${i}` } })),
  )
  const clients: Client[] = []
  const token = (sub: string) => mintUserToken(app.id, app.secret, { sub, name: sub.toUpperCase() })
  return {
    app,
    nodes,
    databaseUrl: database.url,
    env,
    token,
    async client(url, sub, clientOptions = {}) {
      const client = createClient({
        url,
        appId: app.id,
        token: await token(sub),
        WebSocket,
        ...clientOptions,
      })
      clients.push(client)
      return client
    },
    async get<T>(url: string, path: string) {
      const res = await fetch(`${url}/v1/apps/${app.id}${path}`, {
        headers: { Authorization: `Bearer ${await token('probe')}` },
      })
      return { status: res.status, body: (await res.json()) as T }
    },
    async query<T extends RowDataPacket>(sql: string, values: unknown[] = []) {
      const conn = await createConnection({ uri: database.url })
      try {
        const [rows] = await conn.query<T[]>(sql, values)
        return rows
      } finally {
        await conn.end()
      }
    },
    async close() {
      for (const client of clients) client.close()
      await Promise.all(nodes.map((node) => node.kill()))
      await database.drop()
    },
  }
}

/** Ids of the people a room shows as here, sorted. */
export const memberIds = (room: Room) => room.members.map((m) => m.id).sort()

/** Polls `check` every `everyMs` until it holds; the elapsed milliseconds. */
export async function timeUntil(check: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 50) {
  const started = Date.now()
  for (;;) {
    if (await check()) return Date.now() - started
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
}
