import { backoff, type BackoffOptions } from './backoff.js'
import type { Connection } from './connection.js'
import { createEmitter, type Unsubscribe } from './emitter.js'
import { RoomfulError } from './errors.js'
import { uuid } from './ids.js'
import type { HistoryResult, JoinResult, ServerEvent } from './protocol/frames.js'
import type {
  Attachment,
  Message,
  PresenceSnapshot,
  Room as RoomInfo,
  UserProfile,
} from './protocol/models.js'
import type { BinaryBody, ProgressHandler } from './rest.js'

/** Uploads an image to a room; resolves with the stored attachment. */
export type Uploader = (roomId: string, file: BinaryBody, onProgress?: ProgressHandler) => Promise<Attachment>

/** A change of who is in the room, with the resulting list. */
export interface PresenceChange {
  /** `sync`: a fresh snapshot (on join and on every rejoin after a reconnect). */
  action: 'join' | 'leave' | 'sync'
  /** Who joined or left; null for `sync`. */
  user: UserProfile | null
  /** Distinct users in the room (may exceed `members.length`: snapshots are capped). */
  total: number
  members: UserProfile[]
}

/** Messages between `from` and `to` (inclusive) were too many to refill and will not be emitted. */
export interface GapReset {
  from: number
  to: number
}

export interface RoomEvents {
  /** Every new entry of the room's log in seq order, once each: text, image and notices. */
  message: Message
  /** Join/leave notices only (also emitted as `message`). */
  notice: Message
  presence: PresenceChange
  /** Someone (not you) is typing. */
  typing: { user: UserProfile }
  /** A resume gap was too large to refill; the log continues after `to`. Clear and reload. */
  reset: GapReset
}

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
export interface Room {
  readonly id: string
  /** The room's details from the last join, or null before. */
  readonly info: RoomInfo | null
  /** Who is here now, from the join snapshot and live deltas (capped like the snapshot). */
  readonly members: UserProfile[]
  /** Distinct users here now. */
  readonly total: number
  /** Whether `join()` was called and `leave()` was not. */
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
   * Send a text message; resolves with the stored message. Sends made while offline wait and go
   * out in order after the room is rejoined; a send interrupted by a disconnect is retried with
   * the same idempotency key, so it is stored and emitted once.
   *
   * @example
   * const message = await room.send({ text: 'hello' })
   */
  send(body: { text: string }): Promise<Message>
  /**
   * Upload an image (png, jpeg, gif or webp; the server checks the bytes and strips metadata)
   * and send it as an image message; resolves with the stored message. `onProgress` reports
   * upload progress in browsers (XMLHttpRequest); elsewhere it is not called. Refused files
   * reject with `payload_too_large`, `unsupported_media` or `bad_request`.
   *
   * @example
   * const message = await room.sendImage(input.files[0], { onProgress: ({ loaded, total }) => {} })
   */
  sendImage(file: BinaryBody, options?: { onProgress?: ProgressHandler }): Promise<Message>
  /**
   * Older messages, ascending, before `before` (a seq; default: the newest).
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
   * Listen to `message`, `notice`, `presence`, `typing` or `reset`; returns an unsubscribe function.
   *
   * @example
   * const off = room.on('message', (m) => console.log(m.seq, m.text))
   */
  on<K extends keyof RoomEvents>(type: K, handler: (payload: RoomEvents[K]) => void): Unsubscribe
}

export interface RoomOptions {
  /** Milliseconds to wait for a late message before filling a seq gap from history (default 250). */
  gapWait?: number
  /** Largest resume gap refilled from history; larger ones emit `reset` (default 500). */
  maxRefill?: number
}

interface Outgoing {
  clientId: string
  text: string
  attachmentId?: string
  sent: boolean
  resolve(m: Message): void
  reject(e: RoomfulError): void
}

interface Deferred {
  promise: Promise<JoinInfo>
  resolve(info: JoinInfo): void
  reject(err: unknown): void
}

export function createRoom(
  id: string,
  conn: Connection,
  opts: RoomOptions & { backoff?: BackoffOptions },
  upload?: Uploader,
): Room & { handle(e: ServerEvent): void } {
  const events = createEmitter<RoomEvents>()
  const buffer = new Map<number, Message>()
  let outbox: Outgoing[] = []
  let members = new Map<string, UserProfile>()
  let total = 0
  let info: RoomInfo | null = null
  let wanted: Deferred | undefined
  let limit: number | undefined
  let active = false
  let busy = false
  // Seq of the last message emitted (or handed out by join); -1 before the first join.
  let last = -1
  // Bumped when a join, rejoin or leave makes earlier async work moot.
  let epoch = 0
  let gapTimer: ReturnType<typeof setTimeout> | undefined
  let lastTyping = 0
  let retries = 0

  const presence = (action: PresenceChange['action'], user: UserProfile | null) =>
    events.emit('presence', { action, user, total, members: [...members.values()] })

  const take = (messages: Message[]) => {
    if (!wanted) return
    for (const m of messages) if (m.seq > last) buffer.set(m.seq, m)
    drain()
  }

  /** Emit buffered messages that continue the log; a hole starts a (delayed) refill. */
  const drain = () => {
    if (busy || !active) return
    for (let m; (m = buffer.get(last + 1));) {
      buffer.delete(m.seq)
      last = m.seq
      if (m.kind === 'notice') events.emit('notice', m)
      events.emit('message', m)
    }
    for (const seq of buffer.keys()) if (seq <= last) buffer.delete(seq)
    if (buffer.size && !gapTimer) gapTimer = setTimeout(fill, opts.gapWait ?? 250)
  }

  /** Fetch the messages between the last emitted one and the first buffered one. */
  const fill = async () => {
    gapTimer = undefined
    if (busy || !active || !buffer.size) return
    const top = Math.min(...buffer.keys())
    const mine = epoch
    busy = true
    try {
      if (top - last - 1 > (opts.maxRefill ?? 500)) {
        events.emit('reset', { from: last + 1, to: top - 1 })
      } else {
        const pages: Message[][] = []
        for (let before = top; before > last + 1;) {
          const page = await conn.request('history', {
            room: id,
            before,
            limit: Math.min(conn.limits.maxPageSize, before - last - 1),
          })
          if (mine !== epoch) return
          pages.unshift(page.messages)
          const first = page.messages[0]
          if (!first || !page.hasMore || first.seq >= before) break
          before = first.seq
        }
        for (const m of pages.flat()) if (m.seq > last) buffer.set(m.seq, m)
      }
      retries = 0
      busy = false
      drain()
      // Seqs are gapless, so a hole that history cannot fill (or a reset) is skipped, not waited on.
      if (mine === epoch && buffer.has(top) && last < top - 1) {
        last = top - 1
        drain()
      }
    } catch {
      // Lost connection: the rejoin resumes from `last`. Otherwise try again after a while.
      if (mine === epoch) gapTimer = setTimeout(fill, backoff(retries++, opts.backoff))
    } finally {
      if (mine === epoch) busy = false
    }
  }

  const fail = (err: RoomfulError) => {
    for (const o of outbox.splice(0)) o.reject(err)
  }

  /** Forget the room: the next join() starts fresh. */
  const stop = (joinErr: RoomfulError, sendErr: RoomfulError) => {
    wanted?.reject(joinErr)
    wanted?.promise.catch(() => {})
    wanted = undefined
    active = busy = false
    last = -1
    epoch++
    clearTimeout(gapTimer)
    gapTimer = undefined
    buffer.clear()
    members.clear()
    total = 0
    fail(sendErr)
  }

  const enqueue = (o: Outgoing) => {
    outbox.push(o)
    if (active) dispatch(o)
  }

  const dispatch = (o: Outgoing) => {
    o.sent = true
    conn.request('send', { room: id, clientId: o.clientId, text: o.text, attachmentId: o.attachmentId }).then(
      ({ message }) => {
        outbox = outbox.filter((x) => x !== o)
        take([message])
        o.resolve(message)
      },
      (err: RoomfulError) => {
        // The reply was lost with the socket, or the node is draining: resend with the same
        // clientId after the rejoin.
        if ((err.code === 'disconnected' || err.code === 'shutting_down') && wanted && outbox.includes(o))
          o.sent = false
        else {
          outbox = outbox.filter((x) => x !== o)
          o.reject(err)
        }
      },
    )
  }

  const sync = async () => {
    const mine = ++epoch
    const first = last < 0
    active = false
    busy = true
    clearTimeout(gapTimer)
    gapTimer = undefined
    let r: JoinResult
    try {
      r = await conn.request('join', { room: id, ...(first ? { limit } : { sinceSeq: last }) })
    } catch (err) {
      if (mine !== epoch) return
      busy = false
      const e = err as RoomfulError
      if (e.code === 'disconnected') return
      if (e.code === 'timeout') return conn.restart('join timed out')
      // Busy server: try again. Otherwise (room gone, too many rooms…) the room is left.
      if (e.retryable)
        gapTimer = setTimeout(() => mine === epoch && void sync(), backoff(retries++, opts.backoff))
      else stop(e, e)
      return
    }
    if (mine !== epoch) return
    active = true
    info = r.room
    members = new Map(r.presence.users.map((u) => [u.id, u]))
    total = r.presence.total
    presence('sync', null)
    const go = () => {
      busy = false
      retries = 0
      // Resumed, latest or too_old alike: merge with what arrived live, refill any hole.
      take(r.messages)
      for (const o of outbox) if (!o.sent) dispatch(o)
    }
    if (!first) return go()
    last = r.messages.at(-1)?.seq ?? r.room.lastSeq
    wanted?.resolve({ room: r.room, messages: r.messages, hasMore: r.hasMore, presence: r.presence })
    // Live messages that overtook the reply wait until the caller of join() has rendered the page.
    setTimeout(() => mine === epoch && go())
  }

  conn.on('state', ({ current, reason }) => {
    if (current === 'connected') {
      if (wanted) void sync()
      return
    }
    active = false
    epoch++
    clearTimeout(gapTimer)
    gapTimer = undefined
    if (current === 'disconnected' || current === 'closed') {
      const err = reason.error ?? new RoomfulError('disconnected', `unable to send; ${reason.message}`)
      fail(err)
      if (last < 0 && wanted) {
        wanted.reject(err)
        wanted = undefined
      }
    }
  })

  return {
    id,
    get info() {
      return info
    },
    get members() {
      return [...members.values()]
    },
    get total() {
      return total
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
      if (conn.state === 'connected') await conn.request('leave', { room: id }).catch(() => {})
    },
    send({ text }) {
      return new Promise<Message>((resolve, reject) => {
        if (!wanted) return reject(new RoomfulError('not_joined', 'unable to send; join the room first'))
        if (!text.trim()) return reject(new RoomfulError('bad_request', 'unable to send; the text is blank'))
        const max = conn.limits.maxMessageLength
        if (text.length > max)
          return reject(
            new RoomfulError('message_too_long', `unable to send; the limit is ${max} characters`),
          )
        enqueue({ clientId: uuid(), text, sent: false, resolve, reject })
      })
    },
    async sendImage(file, options) {
      const fail = (code: 'not_joined' | 'payload_too_large', why: string) =>
        Promise.reject(new RoomfulError(code, `unable to send the image; ${why}`))
      if (!wanted || !upload) return fail('not_joined', 'join the room first')
      const size = file instanceof Uint8Array || file instanceof ArrayBuffer ? file.byteLength : file.size
      const max = conn.limits.maxAttachmentBytes
      if (size > max) return fail('payload_too_large', `the limit is ${max} bytes`)
      const attachment = await upload(id, file, options?.onProgress)
      return new Promise<Message>((resolve, reject) =>
        enqueue({ clientId: uuid(), text: '', attachmentId: attachment.id, sent: false, resolve, reject }),
      )
    },
    history: (options) => conn.request('history', { room: id, ...options }),
    typing() {
      const now = Date.now()
      if (!active || now - lastTyping < conn.limits.typingIntervalMs) return
      lastTyping = now
      conn.request('typing', { room: id }).catch(() => {})
    },
    on: events.on,
    handle(e) {
      if (e.type === 'message') {
        if (wanted && e.message.seq > last) {
          buffer.set(e.message.seq, e.message)
          drain()
        }
      } else if (!active) return
      else if (e.type === 'presence') {
        total = e.total
        if (e.action === 'join') members.set(e.user.id, e.user)
        else members.delete(e.user.id)
        presence(e.action, e.user)
      } else if (e.type === 'typing' && e.user.id !== conn.user?.id) events.emit('typing', { user: e.user })
    },
  }
}
