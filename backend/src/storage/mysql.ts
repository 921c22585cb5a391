import { createPool } from 'mysql2/promise'
import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise'

/** Every statement here carries this client-side timeout, so an unreachable or wedged
 * database rejects the caller instead of leaving it hanging. */
export const QUERY_TIMEOUT_MS = 5_000

export type Row = RowDataPacket
export type ResultHeader = ResultSetHeader
export type Result = RowDataPacket[] | ResultSetHeader

/** What stores need from MySQL: a pool or one transaction's connection. */
export interface Queryable {
  query<T extends Result>(sql: string, values?: unknown[]): Promise<T>
}

export interface Mysql extends Queryable {
  /** Runs `fn` in a transaction on one connection: commit if it resolves, roll back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>
  /** Runs `fn` on one connection in autocommit mode (for session state such as GET_LOCK). */
  withConnection<T>(fn: (conn: Queryable) => Promise<T>): Promise<T>
  /** Statements sent to the server by this pool so far (queries, executes, prepares). */
  statementCount(): number
  close(): Promise<void>
}

export interface MysqlOptions {
  connectionLimit?: number
}

const STATEMENT_COMMANDS = new Set(['Query', 'Execute', 'Prepare'])

interface CoreConnection {
  addCommand(cmd: { constructor: { name: string } }): unknown
}

export function createMysql(url: string, options: MysqlOptions = {}): Mysql {
  const pool: Pool = createPool({
    uri: url,
    connectionLimit: options.connectionLimit ?? 10,
    connectTimeout: QUERY_TIMEOUT_MS,
    // DATETIME columns hold UTC; without this mysql2 would read them in the host's zone.
    timezone: 'Z',
    charset: 'utf8mb4',
    enableKeepAlive: true,
  })
  let statements = 0
  // Counted where commands enter each connection, so nothing sent can escape the count
  // (transaction control included).
  pool.on('connection', (conn) => {
    const core = conn as unknown as CoreConnection
    const addCommand = core.addCommand.bind(core)
    core.addCommand = (cmd) => {
      if (STATEMENT_COMMANDS.has(cmd.constructor.name)) statements += 1
      return addCommand(cmd)
    }
  })

  const query = async <T extends Result>(on: Pool | PoolConnection, sql: string, values?: unknown[]) => {
    const [rows] = await on.query<T>({ sql, timeout: QUERY_TIMEOUT_MS }, values)
    return rows
  }

  return {
    query: (sql, values) => query(pool, sql, values),
    async transaction(fn) {
      const conn = await pool.getConnection()
      let broken = false
      try {
        await query(conn, 'START TRANSACTION')
        const result = await fn({ query: (sql, values) => query(conn, sql, values) })
        await query(conn, 'COMMIT')
        return result
      } catch (err) {
        // If the connection itself broke, the server rolls back when it notices; don't wait for it.
        await query(conn, 'ROLLBACK').catch(() => {
          broken = true
        })
        throw err
      } finally {
        if (broken) conn.destroy()
        else conn.release()
      }
    },
    async withConnection(fn) {
      const conn = await pool.getConnection()
      try {
        return await fn({ query: (sql, values) => query(conn, sql, values) })
      } finally {
        // Session state (locks, variables) must not leak to the next borrower.
        conn.destroy()
      }
    },
    statementCount: () => statements,
    close: () => pool.end(),
  }
}

/** True for a MySQL duplicate-key error (a unique index said no). */
export function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === 'ER_DUP_ENTRY'
}

/** True for a deadlock or lock-wait timeout: the transaction was rolled back and may be retried. */
export function isRetryableLock(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code
  return code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT'
}
