import type { Attachment, Message, MessageKind, NoticeKind } from '@roomful/sdk/protocol'
import { RoomfulError } from '../errors.js'
import {
  CommitOutcomeUnknown,
  isDuplicateKey,
  isRetryableLock,
  type Mysql,
  type Result,
  type ResultHeader,
  type Row,
  type Step,
} from '../storage/mysql.js'
import { AppendPlan } from './append-plan.js'
import { idempotencyKey } from './message-record.js'
import { changedTarget, changeEntry, checkChangeable } from './message-change.js'
import type { AppendResult, ChangeResult, MessageChange, MessageStore, NewMessage } from './message-store.js'

const INSERTED =
  'app_id, room_id, seq, id, kind, user_id, user_name, user_avatar, text, client_id, notice, attachment, created_at'
/** What reads return: the inserted columns and a message's later state (see `change`). */
const COLUMNS = `${INSERTED}, target_id, edited_at, deleted_at, deleted_by`

const roomNotFound = (roomId: string) =>
  new RoomfulError('room_not_found', `unable to store messages; no room ${roomId}`)

/**
 * Messages in MySQL: the durable log and the seq counter (`rooms.last_seq`) in one place, so
 * seqs are unique across nodes, gapless, and survive Redis restarts.
 *
 * `append` is the hot write path: one round trip per batch whatever its size, which starts the
 * transaction, reserves each room's seqs (the row locks serialize that room's writers across
 * nodes until commit), inserts every row and commits (see appendWith). Idempotency is folded
 * into the INSERT: a clientId that is already stored (a retried send) trips the unique key, and
 * only then does the batch go again the careful way, looking its keys up first (two round trips).
 *
 * The caller checks each send's room before batching it; a room deleted meanwhile, or any room
 * the batch names that does not exist, rejects the batch whole with `room_not_found`, like any
 * other failure, and stores nothing.
 */
export class MysqlMessageStore implements MessageStore {
  constructor(private readonly db: Mysql) {}

  async append(batch: NewMessage[]): Promise<AppendResult[]> {
    if (batch.length === 0) return []
    try {
      return await this.appendOnce(batch)
    } catch (err) {
      // The senders may retry with the same clientIds: the retry finds what was stored.
      if (err instanceof CommitOutcomeUnknown)
        throw new RoomfulError('outcome_unknown', undefined, { cause: err })
      throw err
    }
  }

  private async appendOnce(batch: NewMessage[]): Promise<AppendResult[]> {
    try {
      return await this.db.pipelinedTransaction((step) => this.appendWith(step, batch, false))
    } catch (err) {
      if (!isDuplicateKey(err) && !isRetryableLock(err)) throw err
    }
    try {
      return await this.db.pipelinedTransaction((step) => this.appendWith(step, batch, true))
    } catch (err) {
      // Another node inserted one of our clientIds between our SELECT and INSERT (or a lock
      // cycle chose us): run again once; the SELECT now finds the winner's row.
      if (!isDuplicateKey(err) && !isRetryableLock(err)) throw err
      return this.db.pipelinedTransaction((step) => this.appendWith(step, batch, true))
    }
  }

  /**
   * Three round trips: reserve the seq (locking the room row first, in the same order as
   * appends, so the two cannot deadlock) and read the target under a row lock; then, once
   * `authorize` passes, insert the entry, store the target's state and commit. A refusal rolls
   * back, which also gives the seq back.
   */
  async change(change: MessageChange): Promise<ChangeResult> {
    try {
      return await this.changeOnce(change)
    } catch (err) {
      // A lock cycle chose us (another writer of the room): the rollback undid everything, so
      // once more is safe.
      if (!isRetryableLock(err)) throw err
      return this.changeOnce(change)
    }
  }

  private async changeOnce(change: MessageChange): Promise<ChangeResult> {
    try {
      return await this.db.pipelinedTransaction(async (step) => {
        const [bumped, rows] = (await step(
          [
            'UPDATE rooms SET last_seq = LAST_INSERT_ID(last_seq + 1) WHERE app_id = ? AND id = ?',
            `SELECT ${COLUMNS} FROM messages WHERE app_id = ? AND room_id = ? AND id = ? FOR UPDATE`,
          ],
          [change.appId, change.roomId, change.appId, change.roomId, change.targetId],
        )) as [ResultHeader, Row[]]
        const row = rows[0]
        const stored = row === undefined ? undefined : fromRow(row)
        checkChangeable(stored, change)
        if (bumped.affectedRows !== 1) throw roomNotFound(change.roomId)
        const entry = changeEntry(change, Number(bumped.insertId))
        const target = changedTarget(stored, change)
        const statements = [
          `INSERT INTO messages (${INSERTED}, target_id) VALUES (?)`,
          change.kind === 'edit'
            ? 'UPDATE messages SET text = ?, edited_at = ? WHERE app_id = ? AND room_id = ? AND seq = ?'
            : "UPDATE messages SET text = '', attachment = NULL, deleted_at = ?, deleted_by = ? WHERE app_id = ? AND room_id = ? AND seq = ?",
        ]
        const values: unknown[] = [
          [...toRow({ ...change, user: change.actor, clientId: null }, entry.seq), change.targetId],
          ...(change.kind === 'edit' ? [change.text, change.createdAt] : [change.createdAt, change.actor.id]),
          change.appId,
          change.roomId,
          target.seq,
        ]
        if (change.kind === 'delete') {
          // The texts of its earlier edits are the deleted message's texts too.
          statements.push(
            "UPDATE messages SET text = '' WHERE app_id = ? AND room_id = ? AND target_id = ? AND kind = 'edit'",
          )
          values.push(change.appId, change.roomId, change.targetId)
        }
        await step(statements, values, { commit: true, rowsOnly: true })
        return { entry, target }
      })
    } catch (err) {
      // A retry would find the change applied (and answer not_found for a delete): say so.
      if (err instanceof CommitOutcomeUnknown)
        throw new RoomfulError('outcome_unknown', undefined, { cause: err })
      throw err
    }
  }

  async history(appId: string, roomId: string, page: { before?: number; limit: number }): Promise<Message[]> {
    if (page.limit <= 0) return []
    const rows =
      page.before === undefined
        ? await this.db.query<Row[]>(
            `SELECT ${COLUMNS} FROM messages WHERE app_id = ? AND room_id = ? ORDER BY seq DESC LIMIT ?`,
            [appId, roomId, Math.floor(page.limit)],
          )
        : await this.db.query<Row[]>(
            `SELECT ${COLUMNS} FROM messages WHERE app_id = ? AND room_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
            [appId, roomId, page.before, Math.floor(page.limit)],
          )
    return rows.map(fromRow).reverse()
  }

  async get(appId: string, roomId: string, messageId: string): Promise<Message | null> {
    const rows = await this.db.query<Row[]>(
      `SELECT ${COLUMNS} FROM messages WHERE app_id = ? AND room_id = ? AND id = ?`,
      [appId, roomId, messageId],
    )
    return rows[0] ? fromRow(rows[0]) : null
  }

  async since(appId: string, roomId: string, afterSeq: number, limit: number): Promise<Message[]> {
    if (limit <= 0) return []
    const rows = await this.db.query<Row[]>(
      `SELECT ${COLUMNS} FROM messages WHERE app_id = ? AND room_id = ? AND seq > ? ORDER BY seq ASC LIMIT ?`,
      [appId, roomId, afterSeq, Math.floor(limit)],
    )
    return rows.map(fromRow)
  }

  /**
   * One attempt, in one round trip (after the lookup, when `lookUp` asks for one): each room's
   * `last_seq` is bumped by its count, the new value kept in a session variable; every row's seq
   * is computed from that variable in the INSERT; the transaction commits and the variables
   * are read back, all in one query (a compound statement on MariaDB, answered once; a
   * multi-statement query elsewhere).
   *
   * One UPDATE scanning the primary key in order locks the rooms in one global order, so two
   * batches sharing rooms cannot deadlock. A room that does not exist leaves its variable NULL,
   * and the first row of that room then evaluates a subquery of two rows: MariaDB stops with
   * ER_SUBQUERY_NO_1_ROW before the COMMIT, whatever the server's sql_mode, and the batch is
   * rolled back whole.
   */
  private async appendWith(step: Step, batch: NewMessage[], lookUp: boolean): Promise<AppendResult[]> {
    const stored = lookUp ? await this.findStored(step, batch) : new Map<string, Message>()
    const plan = new AppendPlan(batch, (key) => stored.get(key))
    const rooms = plan.sortedRooms()
    if (rooms.length === 0) return plan.results()
    const variables = new Map(rooms.map((room, i) => [room, `@rf_last${i}`]))
    const rows = plan
      .newInputs()
      .map(({ input, room, index }) =>
        toRow(input, seqFrom(variables.get(room) as string, room.count - 1 - index, index === 0)),
      )
    const match = rooms.map(() => '(app_id = ? AND id = ?)').join(' OR ')
    let results: Result[]
    try {
      results = await step(
        [
          `SET ${[...variables.values()].map((v) => `${v} = NULL`).join(', ')}`,
          `UPDATE rooms SET last_seq = CASE ${rooms
            .map((room) => `WHEN app_id = ? AND id = ? THEN (${variables.get(room)} := last_seq + ?)`)
            .join(' ')} END WHERE ${match}`,
          `INSERT INTO messages (${INSERTED}) VALUES ?`,
        ],
        [
          ...rooms.flatMap((r) => [r.appId, r.roomId, r.count]),
          ...rooms.flatMap((r) => [r.appId, r.roomId]),
          rows,
        ],
        {
          commit: true,
          // Session variables outlive the transaction; read after the COMMIT, no answer leaves
          // the server before it (see Step).
          readAfterCommit: [`SELECT ${[...variables.values()].map((v, i) => `${v} AS last${i}`).join(', ')}`],
          rowsOnly: true,
        },
      )
    } catch (err) {
      if ((err as { code?: string }).code === 'ER_SUBQUERY_NO_1_ROW') throw roomNotFound('(one of the batch)')
      throw err
    }
    const [last] = results[0] as Row[]
    rooms.forEach((room, i) => (room.next = Number(last?.[`last${i}`]) - room.count + 1))
    return plan.results()
  }

  /** The batch's already-stored messages by idempotency key, in one statement. */
  private async findStored(step: Step, batch: NewMessage[]): Promise<Map<string, Message>> {
    const found = new Map<string, Message>()
    const keyed = new Map<string, NewMessage>()
    for (const m of batch) {
      const key = idempotencyKey(m)
      if (key !== null) keyed.set(key, m)
    }
    if (keyed.size === 0) return found
    const where = [...keyed.values()].map(
      () => '(app_id = ? AND room_id = ? AND user_id = ? AND client_id = ?)',
    )
    const params = [...keyed.values()].flatMap((m) => [m.appId, m.roomId, m.user.id, m.clientId])
    const [rows] = (await step([`SELECT ${COLUMNS} FROM messages WHERE ${where.join(' OR ')}`], params)) as [
      Row[],
    ]
    for (const row of rows) {
      const key = idempotencyKey({
        appId: row.app_id,
        roomId: row.room_id,
        user: { id: row.user_id },
        clientId: row.client_id,
      })
      if (key !== null) found.set(key, fromRow(row))
    }
    return found
  }
}

/**
 * A row's seq as SQL: `back` below the room's new last seq, held in `variable`. On the room's
 * first row, a missing room (the variable still NULL) falls through to a subquery of two rows,
 * which fails the statement (see appendWith). Built from our own names and integers only.
 */
function seqFrom(variable: string, back: number, first: boolean): { toSqlString(): string } {
  const seq = back === 0 ? variable : `${variable} - ${back}`
  const sql = first ? `COALESCE(${seq}, (SELECT 1 UNION SELECT 2))` : seq
  return { toSqlString: () => sql }
}

function toRow(
  m: Pick<
    NewMessage,
    'appId' | 'roomId' | 'id' | 'kind' | 'user' | 'text' | 'clientId' | 'notice' | 'attachment' | 'createdAt'
  >,
  seq: number | { toSqlString(): string },
): unknown[] {
  return [
    m.appId,
    m.roomId,
    seq,
    m.id,
    m.kind,
    m.user.id,
    m.user.name,
    m.user.avatar,
    m.text,
    m.clientId,
    m.notice ?? null,
    m.attachment === undefined ? null : JSON.stringify(m.attachment),
    m.createdAt,
  ]
}

function fromRow(row: Row): Message {
  const message: Message = {
    id: row.id,
    roomId: row.room_id,
    seq: Number(row.seq),
    kind: row.kind as MessageKind,
    user: { id: row.user_id, name: row.user_name, avatar: row.user_avatar },
    text: row.text,
    clientId: row.client_id,
    createdAt: (row.created_at as Date).toISOString(),
  }
  if (row.notice !== null) message.notice = row.notice as NoticeKind
  if (row.attachment !== null) message.attachment = JSON.parse(row.attachment) as Attachment
  if (row.target_id !== null) message.target = row.target_id
  if (row.edited_at !== null) message.editedAt = (row.edited_at as Date).toISOString()
  if (row.deleted_at !== null) message.deletedAt = (row.deleted_at as Date).toISOString()
  if (row.deleted_by !== null) message.deletedBy = row.deleted_by
  return message
}
