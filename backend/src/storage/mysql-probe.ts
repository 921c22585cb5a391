import { createConnection, type Connection } from 'mysql2/promise'

/**
 * A readiness probe with a connection of its own, outside the pool: a pool busy with writes
 * (or holding connections stuck on a dead network) must not make MySQL look down, and a probe
 * must not wait behind them. A probe that fails or times out drops its connection, so the
 * next one starts afresh (a partitioned connection never recovers).
 */
export function mysqlProbe(url: string): { probe(timeoutMs: number): Promise<void>; close(): Promise<void> } {
  let conn: Connection | null = null
  const drop = () => {
    conn?.destroy()
    conn = null
  }
  return {
    async probe(timeoutMs) {
      try {
        conn ??= await createConnection({ uri: url, connectTimeout: timeoutMs })
        await conn.query({ sql: 'SELECT 1', timeout: timeoutMs })
      } catch (err) {
        drop()
        throw err
      }
    },
    async close() {
      await conn?.end().catch(drop)
      conn = null
    },
  }
}
