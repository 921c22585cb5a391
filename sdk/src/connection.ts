import { answeredBackoff, backoff, laggingDelay, online, type BackoffOptions } from './backoff.js'
import { createEmitter, type Unsubscribe } from './emitter.js'
import { RoomfulError, fromWire } from './errors.js'
import { nextId } from './ids.js'
import { CLOSE, shouldReconnect } from './protocol/close-codes.js'
import type { ClientFrame, Op, ResultMap, ServerEvent, ServerFrame } from './protocol/frames.js'
import { AUTH_TIMEOUT_MS, DEFAULT_LIMITS, SUBPROTOCOL, type Limits } from './protocol/limits.js'
import type { Identity } from './protocol/models.js'
import type { TokenSource } from './rest.js'

/**
 * - `connecting`: first attempt after `connect()` (or after `disconnected`);
 * - `connected`: authenticated, rooms rejoined and feeds resubscribed as this state begins;
 * - `reconnecting`: the connection was lost and will be retried after a backoff;
 * - `disconnected`: stopped on a do-not-reconnect close or auth failure; `connect()` (or any
 *   call that needs the socket) starts again;
 * - `closed`: `client.close()` was called; final.
 */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'closed'

/**
 * Why the state changed. `code` is the WebSocket close code when the socket closed (see
 * `CLOSE`), 1006 when it died without one or stopped answering, 1000 for `client.close()`, 0
 * for changes the client started itself (connect, connected).
 */
export interface StateReason {
  code: number
  message: string
  /** On `disconnected`: the error that stopped the client (e.g. `token_invalid`), if any. */
  error?: RoomfulError
}

export interface StateChange {
  previous: ConnectionState
  current: ConnectionState
  reason: StateReason
}

/** The part of a WebSocket the SDK uses: the browser's `WebSocket` and `ws` both fit. */
export interface WebSocketLike {
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: ((event: never) => void) | null
  onmessage: ((event: never) => void) | null
  onclose: ((event: never) => void) | null
  onerror: ((event: never) => void) | null
}
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike

export interface ConnectionOptions {
  url: string
  WebSocket: WebSocketConstructor | undefined
  tokens: TokenSource
  backoff?: BackoffOptions
  /** Milliseconds to wait for a reply, and for a socket to open before trying another (default 10,000). */
  timeout?: number
  /** Milliseconds between pings that detect a dead socket (default 25,000; 0 turns them off). */
  pingInterval?: number
}

type Body<O extends Op> = Omit<Extract<ClientFrame, { op: O }>, 'op' | 'id'>
interface Pending {
  frame: ClientFrame
  resolve(result: never): void
  reject(err: RoomfulError): void
  timer?: ReturnType<typeof setTimeout>
}

export interface Connection {
  readonly state: ConnectionState
  readonly user: Identity | null
  readonly limits: Limits
  on(type: 'state', handler: (change: StateChange) => void): Unsubscribe
  on(type: 'event', handler: (event: ServerEvent) => void): Unsubscribe
  /** Start connecting unless already connected, on the way, or closed. */
  connect(): void
  /** Send a request; while not connected it waits (and starts connecting) and goes out after rejoin. */
  request<O extends Op>(op: O, body: Body<O>): Promise<ResultMap[O]>
  /** Drop the socket and connect again at once, e.g. to authenticate as someone else. */
  restart(message: string): void
  close(): void
}

const noop = () => {}

export function createConnection(opts: ConnectionOptions): Connection {
  const events = createEmitter<{ state: StateChange; event: ServerEvent }>()
  const timeout = opts.timeout ?? 10_000
  const pending = new Map<string, Pending>()
  const queue: Pending[] = []
  let state: ConnectionState = 'disconnected'
  let user: Identity | null = null
  let limits = DEFAULT_LIMITS
  let ws: WebSocketLike | undefined
  // Bumped whenever the current attempt is abandoned: async steps compare it after each await.
  let generation = 0
  let attempt = 0
  // Whether the current attempt's socket opened: then it is the server that said no.
  let answered = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let pinger: ReturnType<typeof setInterval> | undefined

  const setState = (current: ConnectionState, reason: StateReason) => {
    if (current === state) return
    const previous = state
    state = current
    if (current !== 'connected') clearInterval(pinger)
    if (current === 'disconnected' || current === 'closed') {
      const err =
        reason.error ?? new RoomfulError('disconnected', `unable to complete the request; ${reason.message}`)
      for (const p of queue.splice(0)) p.reject(err)
    }
    events.emit('state', { previous, current, reason })
  }

  const dispatch = (p: Pending, ms = timeout) => {
    const id = p.frame.id
    pending.set(id, p)
    p.timer = setTimeout(() => {
      pending.delete(id)
      p.reject(new RoomfulError('timeout', `unable to complete ${p.frame.op}; no reply in ${ms} ms`))
    }, ms)
    ws?.send(JSON.stringify(p.frame))
  }

  const call = <O extends Op>(op: O, body: object, send: (p: Pending) => void) =>
    new Promise<ResultMap[O]>((resolve, reject) =>
      send({ frame: { op, id: nextId(), ...body } as ClientFrame, resolve, reject }),
    )

  /** The socket is gone (or must go): tidy up, then reconnect or stop as `code` says. */
  const lost = (code: number, message: string, error?: RoomfulError) => {
    const sock = ws
    ws = undefined
    generation++
    clearTimeout(timer)
    if (sock) {
      sock.onopen = sock.onmessage = sock.onclose = null
      sock.onerror = noop
      try {
        sock.close(CLOSE.normal)
      } catch {
        // already closing
      }
    }
    const err = new RoomfulError('disconnected', `unable to complete the request; ${message}`)
    for (const p of pending.values()) {
      clearTimeout(p.timer)
      p.reject(err)
    }
    pending.clear()
    if (state === 'closed' || state === 'disconnected') return
    // Banned: final, like close(); `reason.error` says why and the sanction event said until when.
    if (code === CLOSE.banned) {
      g.removeEventListener?.('offline', offline)
      return setState('closed', { code, message, error: error ?? new RoomfulError('banned', message) })
    }
    if (code === CLOSE.tokenExpired) opts.tokens.expire()
    if (!shouldReconnect(code) || (code === CLOSE.tokenExpired && !opts.tokens.canRefresh())) {
      setState('disconnected', { code, message, ...(error && { error }) })
      return
    }
    setState('reconnecting', { code, message })
    const mine = generation
    timer = setTimeout(
      async () => {
        await online()
        if (mine === generation && state === 'reconnecting') open()
      },
      code === CLOSE.lagging
        ? laggingDelay()
        : (answered ? answeredBackoff : backoff)(attempt++, opts.backoff),
    )
  }

  /** The socket died without a close frame, or stopped answering: reconnect. */
  const died = (message: string) => lost(CLOSE.abnormal, message)
  /** Authentication failed: a refusal retrying cannot fix (a refused refresh token, an expired
   * host token, a bad token) stops, anything else reconnects. */
  const refused = (e: RoomfulError, what: string) =>
    lost(
      e.code === 'banned' ? CLOSE.banned : e.retryable === false ? CLOSE.authFailed : CLOSE.abnormal,
      `unable to ${what}; ${e.message}`,
      e,
    )

  const ping = () => call('ping', {}, dispatch).catch((err) => err.code === 'timeout' && died('no pong'))

  const open = async () => {
    const mine = ++generation
    answered = false
    let token: string | undefined
    try {
      token = await opts.tokens.get()
    } catch (err) {
      if (mine !== generation) return
      return refused(err as RoomfulError, 'get a token')
    }
    if (mine !== generation) return
    if (!opts.WebSocket)
      return lost(CLOSE.unsupportedProtocol, 'no WebSocket implementation; pass one to createClient')
    let sock: WebSocketLike
    try {
      sock = ws = new opts.WebSocket(opts.url, SUBPROTOCOL)
    } catch (err) {
      return lost(CLOSE.unsupportedProtocol, `unable to open a WebSocket; ${(err as Error).message}`)
    }
    // Pings only run once connected: a socket whose opening handshake is lost on a dead network
    // would otherwise wait for the OS to give up (minutes), or forever behind a silent proxy.
    timer = setTimeout(
      () => mine === generation && died(`unable to connect; no answer in ${timeout} ms`),
      timeout,
    )
    sock.onclose = (e: { code: number; reason: string }) =>
      lost(e.code || CLOSE.abnormal, e.reason || 'the connection closed')
    sock.onerror = noop
    sock.onmessage = (e: { data: unknown }) => {
      let frame: ServerFrame
      try {
        frame = JSON.parse(String(e.data))
      } catch {
        return
      }
      if (frame.type !== 'reply') return events.emit('event', frame)
      const p = pending.get(frame.id)
      if (!p) return
      pending.delete(frame.id)
      clearTimeout(p.timer)
      if ('error' in frame) p.reject(fromWire(frame.error))
      else p.resolve(frame.result as never)
    }
    sock.onopen = () => {
      clearTimeout(timer)
      answered = true
      void call('auth', token ? { token } : { guest: true }, (p) => dispatch(p, AUTH_TIMEOUT_MS)).then(
        (result) => {
          if (mine !== generation) return
          user = result.user
          limits = { ...DEFAULT_LIMITS, ...result.limits }
          attempt = 0
          setState('connected', { code: 0, message: 'connected' })
          // Rooms rejoined and feeds resubscribed in the state handlers; what waited goes after.
          if (state === 'connected') for (const p of queue.splice(0)) dispatch(p)
          const every = opts.pingInterval ?? 25_000
          if (every && state === 'connected') pinger = setInterval(ping, every)
        },
        (err: RoomfulError) => {
          if (mine !== generation) return
          if (err.code === 'token_expired') lost(CLOSE.tokenExpired, err.message, err)
          else refused(err, 'authenticate')
        },
      )
    }
  }

  // A socket can outlive the network by a long time: do not wait for pings to notice.
  const offline = () => state === 'connected' && died('the browser went offline')
  g.addEventListener?.('offline', offline)

  const connect = () => {
    if (state !== 'disconnected') return
    attempt = 0
    setState('connecting', { code: 0, message: 'connect requested' })
    void open()
  }

  return {
    get state() {
      return state
    },
    get user() {
      return user
    },
    get limits() {
      return limits
    },
    on: events.on as Connection['on'],
    connect,
    request(op, body) {
      if (state === 'closed')
        return Promise.reject(new RoomfulError('disconnected', 'unable to send; the client is closed'))
      return call(op, body, (p) => {
        if (state === 'connected') return dispatch(p)
        queue.push(p)
        connect()
      })
    },
    restart(message) {
      // A client stopped by a refused identity (say, guests not allowed) tries again as the new one.
      if (state === 'disconnected') return void (user || generation ? connect() : 0)
      if (state === 'closed') return
      lost(0, message)
      clearTimeout(timer)
      void open()
    },
    close() {
      g.removeEventListener?.('offline', offline)
      setState('closed', { code: CLOSE.normal, message: 'closed by the client' })
      lost(CLOSE.normal, 'closed by the client')
    },
  }
}

const g = globalThis as {
  navigator?: { onLine?: boolean }
  addEventListener?: typeof addEventListener
  removeEventListener?: typeof removeEventListener
}
