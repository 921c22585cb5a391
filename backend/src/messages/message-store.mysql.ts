import type { Attachment, Message, MessageKind, NoticeKind } from '@roomful/sdk/protocol'
import { RoomfulError } from '../errors.js'
import {
  isDuplicateKey,
  isRetryableLock,
  type Mysql,
  type Queryable,
  type ResultHeader,
  type Row,
} from '../storage/mysql.js'
import { AppendPlan, type RoomReservation } from './append-plan.js'
import { idempotencyKey } from './message-record.js'
import type { AppendResult, MessageStore, NewMessage } from './message-store.js'

const COLUMNS =
  'app_id, room_id, seq, id, kind, user_id, user_name, user_avatar, text, client_id, notice, attachment, created_at'

const roomNotFound = (roomId: string) =>
  new RoomfulError('room_not_found', `unable to store messages; no room ${roomId}`)

/**
 * Messages in MySQL: the durable log and the seq counter (`rooms.last_seq`) in one place, so
 * seqs are unique across nodes, gapless, and survive Redis restarts.
 *
 * `append` is the hot write path; a call costs at most six statements whatever the batch:
 * START, one SELECT for idempotency, one or two to reserve seqs, one multi-row INSERT, COMMIT.
 *
 * Rooms must exist: the caller checks each send's room before batching it (rooms are never
 * deleted, so the check stays true). A batch naming an unknown room is rejected whole with
 * `room_not_found`, like any other failure, and stores nothing.
 */
export class MysqlMessageStore implements MessageStore {
  constructor(private readonly db: Mysql) {}

  async append(batch: NewMessage[]): Promise<AppendResult[]> {
    if (batch.length === 0) return []
    try {
      return await this.db.transaction((tx) => this.appendOnce(tx, batch))
    } catch (err) {
      // Another node inserted one of our clientIds between our SELECT and INSERT (or a lock
      // cycle chose us): run again once; the SELECT now finds the winner's row.
      if (!isDuplicateKey(err) && !isRetryableLock(err)) throw err
      return this.db.transaction((tx) => this.appendOnce(tx, batch))
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

  async since(appId: string, roomId: string, afterSeq: number, limit: number): Promise<Message[]> {
    if (limit <= 0) return []
    const rows = await this.db.query<Row[]>(
      `SELECT ${COLUMNS} FROM messages WHERE app_id = ? AND room_id = ? AND seq > ? ORDER BY seq ASC LIMIT ?`,
      [appId, roomId, afterSeq, Math.floor(limit)],
    )
    return rows.map(fromRow)
  }

  private async appendOnce(tx: Queryable, batch: NewMessage[]): Promise<AppendResult[]> {
    const stored = await this.findStored(tx, batch)
    const plan = new AppendPlan(batch, (key) => stored.get(key))
    await this.reserveSeqs(tx, plan.sortedRooms())
    const values: unknown[][] = []
    const results = plan.results((input, message) => values.push(toRow(input, message.seq)))
    if (values.length > 0) await tx.query(`INSERT INTO messages (${COLUMNS}) VALUES ?`, [values])
    return results
  }

  /**
   * Bumps each room's `last_seq` by its count and sets `next` to the first seq reserved. The
   * row locks taken here serialize batches per room until commit, which is what makes seqs
   * gapless and unique across nodes. A single room costs one statement (LAST_INSERT_ID hands
   * back the new value); several cost two whatever their number: one UPDATE, one SELECT of
   * the new values (a statement per room made a batch spread over many rooms 4× slower).
   */
  private async reserveSeqs(tx: Queryable, rooms: RoomReservation[]): Promise<void> {
    if (rooms.length === 0) return
    if (rooms.length === 1) {
      const room = rooms[0] as RoomReservation
      const result = await tx.query<ResultHeader>(
        'UPDATE rooms SET last_seq = LAST_INSERT_ID(last_seq + ?) WHERE app_id = ? AND id = ?',
        [room.count, room.appId, room.roomId],
      )
      if (result.affectedRows !== 1) throw roomNotFound(room.roomId)
      room.next = Number(result.insertId) - room.count + 1
      return
    }
    // One statement scanning the primary key in order locks rows in one global order, so two
    // batches sharing rooms cannot deadlock.
    const match = rooms.map(() => '(app_id = ? AND id = ?)').join(' OR ')
    const keys = rooms.flatMap((r) => [r.appId, r.roomId])
    const result = await tx.query<ResultHeader>(
      `UPDATE rooms SET last_seq = last_seq + CASE ${rooms.map(() => 'WHEN app_id = ? AND id = ? THEN ?').join(' ')} END
       WHERE ${match}`,
      [...rooms.flatMap((r) => [r.appId, r.roomId, r.count]), ...keys],
    )
    // Our own uncommitted writes, on rows we hold locked: exactly the values just set.
    const rows = await tx.query<Row[]>(`SELECT app_id, id, last_seq FROM rooms WHERE ${match}`, keys)
    const lastSeq = new Map(rows.map((row) => [JSON.stringify([row.app_id, row.id]), Number(row.last_seq)]))
    for (const room of rooms) {
      const last = lastSeq.get(JSON.stringify([room.appId, room.roomId]))
      if (last === undefined) throw roomNotFound(room.roomId)
      room.next = last - room.count + 1
    }
    if (result.affectedRows !== rooms.length) throw roomNotFound('(one of the batch)')
  }

  /** The batch's already-stored messages by idempotency key, in one statement. */
  private async findStored(tx: Queryable, batch: NewMessage[]): Promise<Map<string, Message>> {
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
    const rows = await tx.query<Row[]>(`SELECT ${COLUMNS} FROM messages WHERE ${where.join(' OR ')}`, params)
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

function toRow(m: NewMessage, seq: number): unknown[] {
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
  return message
}
