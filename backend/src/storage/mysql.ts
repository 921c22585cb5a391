import { createPool } from 'mysql2/promise'
import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise'
import { RoomfulError } from '../errors.js'

/** Every statement here carries this client-side timeout, so an unreachable or wedged
 * database rejects the caller instead of leaving it hanging. */
export const QUERY_TIMEOUT_MS = 5_000
/** A pool answered within this long is not refused, whatever the health probe says. */
const REFUSE_UNLESS_ANSWERED_WITHIN_MS = 2_000

/**
 * A COMMIT went to the server and no answer came back (timeout, dropped connection): the
 * transaction may or may not be committed, and only reading it back can tell. Distinct from
 * every failure before the COMMIT, after which the server rolls the transaction back.
 */
export class CommitOutcomeUnknown extends Error {
  constructor(cause: unknown) {
    super('unable to tell whether the transaction committed; its COMMIT got no reply', { cause })
    this.name = 'CommitOutcomeUnknown'
  }
}

/** Refused before anything was sent: the database is known to be unreachable. Clients get
 * `store_unavailable` (retryable), as for any failure before a COMMIT. */
export class StoreUnreachable extends RoomfulError {
  constructor() {
    super('store_unavailable', 'unable to reach the database; nothing was done, retry shortly')
    this.name = 'StoreUnreachable'
  }
}

export type Row = RowDataPacket
export type ResultHeader = ResultSetHeader
export type Result = RowDataPacket[] | ResultSetHeader

/** What stores need from MySQL: a pool or one transaction's connection. */
export interface Queryable {
  query<T extends Result>(sql: string, values?: unknown[]): Promise<T>
}

/**
 * One round trip of a pipelined transaction: `statements` go to the server as one
 * multi-statement query, and the result of each comes back in order. `commit: true` appends
 * the COMMIT to the same round trip, and then `readAfterCommit`: reads of session state that
 * cannot fail (an error answered there would pass for the COMMIT's), whose results follow the
 * statements'. `rowsOnly: true` answers with the rows of the step's SELECTs alone, in order: a
 * caller that reads nothing else lets a MariaDB server run the step as one compound statement,
 * which answers once, at the end, if no SELECT comes before the COMMIT (see
 * `compoundStatements`).
 */
export type Step = (
  statements: string[],
  values: unknown[],
  options?: { commit?: boolean; readAfterCommit?: string[]; rowsOnly?: boolean },
) => Promise<Result[]>

export interface Mysql extends Queryable {
  /** Runs `fn` in a transaction on one connection: commit if it resolves, roll back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>
  /**
   * A transaction in as few round trips as its logic needs: the first `step` also starts it and
   * a step with `commit: true` also commits it, in the same round trip (a hot write path
   * otherwise pays a round trip each for START and COMMIT). Rolls back if `fn` or a step fails;
   * commits after `fn` if no step did.
   */
  pipelinedTransaction<T>(fn: (step: Step) => Promise<T>): Promise<T>
  /** Runs `fn` on one connection in autocommit mode (for session state such as GET_LOCK). */
  withConnection<T>(fn: (conn: Queryable) => Promise<T>): Promise<T>
  /**
   * While `check()` says so and the server has answered none of the pool's statements for 2 s,
   * every use of the pool is refused at once (with `StoreUnreachable`)
   * instead of waiting for its statement timeout on a database known to be unreachable: callers
   * answer fast, and nothing started during the outage is still hanging when it ends.
   */
  refuseWhile(check: () => boolean): void
  /** Statements sent to the server by this pool so far (queries, executes, prepares). */
  statementCount(): number
  /** Whether `rowsOnly` steps now go as one compound statement (see `compoundStatements`). */
  compoundStatements(): boolean
  close(): Promise<void>
}

export interface MysqlOptions {
  connectionLimit?: number
  /**
   * Whether `rowsOnly` steps may go as one compound statement (`BEGIN NOT ATOMIC … END`).
   * By default, yes once the server has said it is MariaDB. MariaDB answers a multi-statement
   * query statement by statement, and a client waiting on the COMMIT wakes for early answers
   * (2.9 times per append under load, measured); a compound statement is answered once. MySQL
   * has no compound statements outside stored programs: there steps always go as
   * multi-statement queries. `false` forces that form everywhere (tests run both).
   */
  compoundStatements?: boolean
}

const STATEMENT_COMMANDS = new Set(['Query', 'Execute', 'Prepare'])

interface CoreConnection {
  addCommand(cmd: { constructor: { name: string } }): unknown
  query(sql: string, callback: (err: Error | null, rows?: Array<{ version?: unknown }>) => void): unknown
}

export function createMysql(url: string, options: MysqlOptions = {}): Mysql {
  const pool: Pool = createPool({
    uri: url,
    connectionLimit: options.connectionLimit ?? 20,
    connectTimeout: QUERY_TIMEOUT_MS,
    // DATETIME columns hold UTC; without this mysql2 would read them in the host's zone.
    timezone: 'Z',
    charset: 'utf8mb4',
    enableKeepAlive: true,
    // Pipelined transactions send several statements in one query. Safe because no statement
    // anywhere is built from input: every value goes through a placeholder.
    multipleStatements: true,
    // mysql2 otherwise captures a stack trace for every query, a measurable cost per send;
    // our errors carry their own context.
    trace: false,
    // Every statement goes through query(), never execute(), so the prepared-statement cache
    // stays empty; mysql2 still allocates its slots up front (four arrays of 16,000 by default:
    // half a megabyte per pooled connection, 10 MB for a full pool).
    maxPreparedStatements: 16,
  })
  let statements = 0
  let refusing = () => false
  // Learned from the pool's first connection; until then every step takes the portable form.
  let compound = false
  let versionAsked = options.compoundStatements === false
  // When the server last answered a statement of this pool (a result or an SQL error). A pool
  // that got answers lately is slow at worst, not unreachable: a probe that timed out on a
  // loaded machine must not make it refuse work the database is still doing.
  let answeredAt = 0
  // Counted where commands enter each connection, so nothing sent can escape the count
  // (transaction control included).
  pool.on('connection', (conn) => {
    const core = conn as unknown as CoreConnection
    if (!versionAsked) {
      versionAsked = true
      // Queued ahead of the borrower's first command, and before the counting below.
      core.query('SELECT VERSION() AS version', (err, rows) => {
        compound = !err && /mariadb/i.test(String(rows?.[0]?.version))
      })
    }
    const addCommand = core.addCommand.bind(core)
    core.addCommand = (cmd) => {
      if (STATEMENT_COMMANDS.has(cmd.constructor.name)) statements += 1
      return addCommand(cmd)
    }
  })

  const query = async <T extends Result>(conn: PoolConnection, sql: string, values?: unknown[]) => {
    try {
      const [rows] = await conn.query<T>({ sql, timeout: QUERY_TIMEOUT_MS }, values)
      answeredAt = Date.now()
      return rows
    } catch (err) {
      if (typeof (err as { errno?: unknown }).errno === 'number' && !isBroken(err)) answeredAt = Date.now()
      throw err
    }
  }

  /** Borrows a connection for `fn`; one whose state is unknown after an error is destroyed. */
  const borrow = async <T>(
    fn: (conn: PoolConnection, discard: () => void) => Promise<T>,
    keep = true,
  ): Promise<T> => {
    if (refusing() && Date.now() - answeredAt > REFUSE_UNLESS_ANSWERED_WITHIN_MS) throw new StoreUnreachable()
    const conn = await pool.getConnection()
    let reusable = keep
    try {
      return await fn(conn, () => (reusable = false))
    } catch (err) {
      if (isBroken(err)) reusable = false
      throw err
    } finally {
      if (reusable) conn.release()
      else conn.destroy()
    }
  }

  /** Runs `fn` on a borrowed connection, rolling back whatever it left open if it throws. */
  const inTransaction = <T>(fn: (conn: PoolConnection) => Promise<T>): Promise<T> =>
    borrow(async (conn, discard) => {
      try {
        return await fn(conn)
      } catch (err) {
        // A broken connection is destroyed unrolled-back (the server rolls back when the
        // session dies); a ROLLBACK queued behind a stuck statement would wait forever.
        if (!isBroken(err)) await query(conn, 'ROLLBACK').catch(discard)
        throw err
      }
    })

  return {
    query: (sql, values) => borrow((conn) => query(conn, sql, values)),
    transaction: (fn) =>
      inTransaction(async (conn) => {
        await query(conn, 'START TRANSACTION')
        const result = await fn({ query: (sql, values) => query(conn, sql, values) })
        await committing(query(conn, 'COMMIT'))
        return result
      }),
    pipelinedTransaction: (fn) =>
      inTransaction(async (conn) => {
        let started = false
        let committed = false
        const result = await fn(async (statements, values, options = {}) => {
          const head = started ? [] : ['START TRANSACTION']
          const tail = options.commit ? ['COMMIT', ...(options.readAfterCommit ?? [])] : []
          const all = [...head, ...statements, ...tail]
          started = true
          const asOne = options.rowsOnly === true && compound
          const sql = asOne ? `BEGIN NOT ATOMIC\n${all.join(';\n')};\nEND` : all.join(';\n')
          const sent = query<Result>(conn, sql, values)
          const results = await (options.commit ? committing(sent) : sent)
          committed = options.commit === true
          // A compound statement answers with its SELECTs' rows and one closing status, or with
          // the status alone.
          if (asOne) return Array.isArray(results) ? (results as Result[]).filter(Array.isArray) : []
          // One statement answers with its result; several with an array of them.
          const list = all.length === 1 ? [results] : (results as unknown as Result[])
          // The caller's own results: neither START TRANSACTION's nor COMMIT's.
          const commitAt = head.length + statements.length
          const own = [...list.slice(head.length, commitAt), ...list.slice(commitAt + 1)]
          return options.rowsOnly ? own.filter(Array.isArray) : own
        })
        if (!committed) await committing(query(conn, 'COMMIT'))
        return result
      }),
    // Session state (locks, variables) must not leak to the next borrower: never reused.
    withConnection: (fn) => borrow((conn) => fn({ query: (sql, values) => query(conn, sql, values) }), false),
    refuseWhile: (check) => void (refusing = check),
    statementCount: () => statements,
    compoundStatements: () => compound,
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

/**
 * True when the connection can no longer be trusted: mysql2's query timeout rejects the
 * caller but leaves the statement pending on the connection, so everything queued after it
 * would hang; fatal errors mean the session is gone.
 */
function isBroken(err: unknown): boolean {
  if (err instanceof CommitOutcomeUnknown) return true
  const e = err as { code?: string; fatal?: boolean } | null
  return e?.fatal === true || e?.code === 'PROTOCOL_SEQUENCE_TIMEOUT'
}

/**
 * A round trip that carries a COMMIT: a failure the server answered (its error packet has a
 * SQL state: a duplicate key, a deadlock…) stopped the statements before the COMMIT, so nothing
 * was committed; a failure with no answer (a timeout, a lost connection) leaves the outcome
 * unknown.
 */
async function committing<T>(sent: Promise<T>): Promise<T> {
  try {
    return await sent
  } catch (err) {
    const answered = typeof (err as { sqlState?: unknown } | null)?.sqlState === 'string'
    throw answered ? err : new CommitOutcomeUnknown(err)
  }
}
