import { answeredBackoff, type BackoffOptions } from './backoff.js'
import type { Connection } from './connection.js'
import { createEmitter, type Unsubscribe } from './emitter.js'
import { RoomfulError } from './errors.js'
import { createOutbox, type Sends, type Upload } from './outbox.js'
import type { HistoryResult, JoinResult, ServerEvent } from './protocol/frames.js'
import type { Message, PresenceSnapshot, Room as RoomInfo, UserProfile } from './protocol/models.js'
import { createChanges, type Changes } from './room-changes.js'
import { createRoomLog, type RoomOptions } from './room-log.js'
import { createRoomPresence } from './room-presence.js'
import type { RoomEvents, RoomStatus, RoomStatusReason } from './room-events.js'

/** What `join()` resolves with: the room, its latest messages and who is here. */
export interface JoinInfo {
  room: RoomInfo
  /** Ascending by seq; live `message` events continue after the last one. */
  messages: Message[]
  /** Older messages exist: load them with `history({ before: messages[0].seq })`. */
  hasMore: boolean
  presence: PresenceSnapshot
}

/** One chat room. Get it with `client.room(id)`; the same id gives the same object. */
export interface Room extends Sends, Changes {
  readonly id: string
  /** Where the room is in its lifecycle; see `on('status')`. */
  readonly status: RoomStatus
  /** The room's details from the last join, or null before. */
  readonly info: RoomInfo | null
  /**
   * The log to render, ascending by seq, each message once: the join page, live messages
   * (your own included, once stored) and older pages loaded with `history()` in front.
   */
  readonly messages: readonly Message[]
  /** Older messages exist before `messages[0]`. */
  readonly hasMore: boolean
  /** Who is here now, from the join snapshot and live deltas (capped like the snapshot). */
  readonly members: UserProfile[]
  /** Distinct users here now. */
  readonly total: number
  /** Whether `join()` was called and `leave()` was not: the status is joining, joined or suspended. */
  readonly joined: boolean
  /**
   * Enter the room: resolves with its latest messages and who is here. Live events follow, and
   * the room is rejoined after every reconnect, resuming from the last seen message.
   *
   * @example
   * const { messages } = await room.join()
   * for (const m of messages) console.log(m.user.name, m.text)
   */
  join(options?: { limit?: number }): Promise<JoinInfo>
  /**
   * Leave the room; pending sends reject with `not_joined`.
   *
   * @example
   * await room.leave()
   */
  leave(): Promise<void>
  /**
   * Older messages, ascending, before `before` (a seq; default: the newest). A page that ends
   * right before `messages[0]` is added to the front of `messages`.
   *
   * @example
   * const { messages, hasMore } = await room.history({ before: oldest.seq, limit: 50 })
   */
  history(options?: { before?: number; limit?: number }): Promise<HistoryResult>
  /**
   * Tell the room you are typing; throttled to the app's typing interval, dropped when offline.
   *
   * @example
   * input.addEventListener('input', () => room.typing())
   */
  typing(): void
  /**
   * Listen to `message`, `change`, `notice`, `presence`, `typing`, `reset`, `status` or `pending`; returns
   * an unsubscribe function.
   *
   * @example
   * const off = room.on('message', (m) => console.log(m.seq, m.text))
   * room.on('status', ({ current, reason }) => console.log(current, reason.code))
   */
  on<K extends keyof RoomEvents>(type: K, handler: (payload: RoomEvents[K]) => void): Unsubscribe
}

const sameSettings = (a: RoomInfo | null, b: RoomInfo) =>
  !!a && a.slowModeSeconds === b.slowModeSeconds && a.readOnly === b.readOnly && a.archived === b.archived

interface Deferred {
  promise: Promise<JoinInfo>
  resolve(info: JoinInfo): void
  reject(err: unknown): void
}

/** A room built from its parts (the log, the outbox); this file is its lifecycle and presence. */
export function createRoom(
  id: string,
  conn: Connection,
  opts: RoomOptions & { backoff?: BackoffOptions },
  upload: Upload,
): Room & { handle(e: ServerEvent): void } {
  const events = createEmitter<RoomEvents>()
  const log = createRoomLog(
    (before, count) =>
      conn.request('history', { room: id, before, limit: Math.min(conn.limits.maxPageSize, count) }),
    events.emit,
    opts,
  )
  const outbox = createOutbox(
    ({ clientId, text, attachmentId }) =>
      conn.request('send', { room: id, clientId, text, attachmentId }).then(({ message }) => {
        log.add([message])
        return message
      }),
    (pending) => events.emit('pending', pending),
    () => conn.limits,
    upload,
    () => !!wanted,
  )
  const presence = createRoomPresence(events.emit)
  // A message of yours that reaches the log (echo or reply, whichever first) ends its send.
  events.on('message', outbox.settle)
  let status: RoomStatus = 'initialized'
  const setStatus = (next: RoomStatus, code: RoomStatusReason['code'], error?: RoomfulError) => {
    if (next === status) return
    const previous = status
    status = next
    events.emit('status', { previous, current: next, reason: { code, ...(error && { error }) } })
  }

  let info: RoomInfo | null = null
  let wanted: Deferred | undefined
  let limit: number | undefined
  // Bumped when a join, rejoin or leave makes earlier async work moot.
  let epoch = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  let lastTyping = 0
  let retries = 0

  /** Nothing flows until the next (re)join; async work started before is moot. */
  const halt = () => {
    clearTimeout(timer)
    presence.halt()
    log.pause()
    outbox.close()
    return ++epoch
  }

  /** Forget the room: the next join() starts fresh. */
  const stop = (joinErr: RoomfulError, sendErr = joinErr) => {
    wanted?.reject(joinErr)
    wanted?.promise.catch(() => {})
    wanted = undefined
    halt()
    log.clear()
    presence.clear()
    outbox.clear(sendErr)
  }

  const fail = (err: RoomfulError) => {
    stop(err)
    setStatus('failed', err.code, err)
  }

  const sync = async () => {
    const mine = halt()
    const first = log.last < 0
    let r: JoinResult
    try {
      r = await conn.request('join', { room: id, ...(first ? { limit } : { sinceSeq: log.last }) })
    } catch (err) {
      if (mine !== epoch) return
      const e = err as RoomfulError
      if (e.code === 'disconnected') return
      if (e.code === 'timeout') return conn.restart('join timed out')
      // Busy server: try again. Otherwise (room gone, too many rooms…) the room has failed.
      if (e.retryable)
        timer = setTimeout(() => mine === epoch && void sync(), answeredBackoff(retries++, opts.backoff))
      else fail(e)
      return
    }
    if (mine !== epoch) return
    retries = 0
    info = r.room
    if (first) log.start(r.messages, r.hasMore, r.room.lastSeq)
    presence.sync(r.presence)
    setStatus('joined', 'joined')
    const go = () => {
      // Resumed, latest or too_old alike: merge with what arrived live, refill any hole.
      log.flow(r.messages)
      outbox.open()
    }
    if (!first) return go()
    wanted?.resolve(r)
    // Live messages that overtook the reply wait until the caller of join() has rendered the page.
    setTimeout(() => mine === epoch && go())
  }

  conn.on('state', ({ current, reason }) => {
    if (current === 'connected') {
      if (wanted) void sync()
      return
    }
    halt()
    if (!wanted) return
    if (status === 'joined') setStatus('suspended', 'connection_lost')
    if (current === 'disconnected' || current === 'closed') {
      const err = reason.error ?? new RoomfulError('disconnected', `unable to send; ${reason.message}`)
      // Stopped for good, or before the first join: the room has failed. Otherwise it is
      // rejoined when the client connects again, and what waited can be retried then.
      if (current === 'closed' || status === 'joining') fail(err)
      else outbox.fail(err)
    }
  })

  return {
    id,
    // lifecycle
    get status() {
      return status
    },
    get info() {
      return info
    },
    get joined() {
      return !!wanted
    },
    join(options) {
      if (!wanted) {
        let resolve!: Deferred['resolve'], reject!: Deferred['reject']
        const promise = new Promise<JoinInfo>((res, rej) => ((resolve = res), (reject = rej)))
        wanted = { promise, resolve, reject }
        limit = options?.limit
        setStatus('joining', 'join')
        if (conn.state === 'connected') void sync()
        else conn.connect()
      }
      return wanted.promise
    },
    async leave() {
      if (!wanted) return
      stop(
        new RoomfulError('not_joined', 'unable to join; the room was left'),
        new RoomfulError('not_joined', 'unable to send; the room was left'),
      )
      setStatus('leaving', 'leave')
      if (conn.state === 'connected') await conn.request('leave', { room: id }).catch(() => {})
      if (status === 'leaving') setStatus('left', 'left')
    },
    // the log
    get messages() {
      return log.messages
    },
    history: (options) =>
      conn.request('history', { room: id, ...options }).then((page) => {
        log.older(page, options?.before)
        return page
      }),
    get hasMore() {
      return log.hasMore
    },
    // sends
    get pending() {
      return outbox.pending
    },
    send: outbox.send,
    sendImage: outbox.sendImage,
    discard: outbox.discard,
    // presence and typing
    get members() {
      return presence.members
    },
    get total() {
      return presence.total
    },
    ...createChanges(conn, id),
    typing() {
      const now = Date.now()
      if (status !== 'joined' || now - lastTyping < conn.limits.typingIntervalMs) return
      lastTyping = now
      conn.request('typing', { room: id }).catch(() => {})
    },
    on: events.on,
    handle(e) {
      if (e.type === 'sanctioned') {
        events.emit('sanctioned', e.sanction)
        // Removed by the server; rejoining would be refused until the ban ends.
        if (e.sanction.kind === 'ban' && wanted) fail(new RoomfulError('banned', 'banned from this room'))
        return
      }
      if (!wanted) return
      if (e.type === 'message') log.add([e.message])
      else if (e.type === 'presence') presence.delta(e, status === 'joined')
      else if (e.type === 'room.updated') {
        if (!sameSettings(info, e.room)) events.emit('settings', (info = e.room))
      } else if (e.type === 'room.deleted') {
        fail(new RoomfulError('room_not_found', 'the room was deleted'))
        events.emit('deleted', undefined)
      } else if (status !== 'joined') return
      else if (e.type === 'typing' && e.user.id !== conn.user?.id) events.emit('typing', { user: e.user })
    },
  }
}
