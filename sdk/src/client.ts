import { createAuth, type Auth, type AuthOptions } from './auth.js'
import type { BackoffOptions } from './backoff.js'
import {
  createConnection,
  type ConnectionState,
  type StateChange,
  type WebSocketConstructor,
} from './connection.js'
import { createEmitter, type Unsubscribe } from './emitter.js'
import { createFeed } from './feed.js'
import type { WireError } from './protocol/errors.js'
import type { Limits } from './protocol/limits.js'
import type {
  AuthSession,
  Page,
  RankingBoard,
  Room as RoomInfo,
  Identity,
  Sanction,
} from './protocol/models.js'
import { createModeration, type Moderation } from './moderation.js'
import type { Ranking } from './ranking.js'
import { createRest } from './rest.js'
import { createRoom, type Room } from './room.js'
import type { RoomOptions } from './room-log.js'
import type { LobbyEvent, Rooms } from './rooms.js'

export interface ClientOptions extends RoomOptions, AuthOptions {
  /** The backend's base URL, e.g. `https://chat.example.com` or `http://localhost:8080`. */
  url: string
  appId: string
  /** A user token minted by your server with the app's key. Omit for hosted accounts or guests. */
  token?: string
  /** Called for a fresh token when there is none yet or the current one expired. */
  getToken?: () => string | Promise<string>
  /** A hosted session saved from the `session` event, to stay signed in. */
  session?: AuthSession | null
  /** The WebSocket constructor; defaults to `globalThis.WebSocket` (pass `ws`'s in Node 20). */
  WebSocket?: WebSocketConstructor
  /** Defaults to `globalThis.fetch`. */
  fetch?: typeof fetch
  /** Reconnect delays (full-jitter exponential, default 500 ms to 2 s). */
  backoff?: BackoffOptions
  /** Milliseconds to wait for a reply before rejecting with `timeout`, and for a socket to open (default 10,000). */
  timeout?: number
  /** Milliseconds between keep-alive pings (default 25,000; 0 turns them off). */
  pingInterval?: number
}

export interface ClientEvents {
  /** The connection state changed. */
  state: StateChange
  /** The server reported a problem with a frame that had no request id. */
  error: WireError
  /**
   * The hosted session changed (signup, login, token refresh, logout → null). Save it to stay
   * signed in across page loads and pass it back as `createClient({ session })`.
   */
  session: AuthSession | null
  /** A moderator banned or muted this user, app-wide or in a room (`roomId`). An app-wide ban
   * is followed by the `closed` state with `reason.code` 4007 (`CLOSE.banned`). */
  sanctioned: Sanction
}

export interface Client {
  /** The connection state; see `on('state')`. */
  readonly state: ConnectionState
  /** Who the socket authenticated as, or null before the first connection. */
  readonly user: Identity | null
  /**
   * The app's limits (message length, attachment size, page size, typing interval…), as the
   * server sent them at the last authentication; the protocol's defaults before the first one.
   *
   * @example
   * textarea.maxLength = client.limits.maxMessageLength
   */
  readonly limits: Limits
  /**
   * The app-wide ban or mute on this user the server last told of (what, why, until when), or
   * null. A banned client ends `closed` with `reason.error.code === 'banned'`.
   *
   * @example
   * if (client.sanction?.kind === 'ban') showBanned(client.sanction.expiresAt)
   */
  readonly sanction: Sanction | null
  readonly auth: Auth
  readonly rooms: Rooms
  /** Moderators' tools: bans and mutes, room settings, room deletion, reports, the audit log. */
  readonly moderation: Moderation
  readonly ranking: Ranking
  /**
   * The room with this id (the same object each time). Nothing is sent until `join()`.
   *
   * @example
   * const room = client.room('r_123')
   * const { messages } = await room.join()
   */
  room(id: string): Room
  /**
   * Listen to `state` or `error`; returns an unsubscribe function.
   *
   * @example
   * client.on('state', ({ previous, current, reason }) => console.log(previous, '→', current, reason.message))
   */
  on<K extends keyof ClientEvents>(type: K, handler: (payload: ClientEvents[K]) => void): Unsubscribe
  /**
   * Open the socket now. Joining a room or subscribing to a feed does it for you.
   *
   * @example
   * client.connect()
   */
  connect(): void
  /**
   * Close the socket for good: pending requests reject, nothing reconnects.
   *
   * @example
   * client.close()
   */
  close(): void
}

/**
 * Create a Roomful client. One client keeps one WebSocket for every room and feed it uses.
 *
 * @example
 * import { createClient } from '@roomful/sdk'
 * const client = createClient({ url: 'http://localhost:8080', appId: 'demo', token })
 * const room = client.room(roomId)
 * const { messages } = await room.join()
 * room.on('message', (m) => console.log(`${m.user.name}: ${m.text}`))
 * await room.send({ text: 'hello' })
 */
export function createClient(options: ClientOptions): Client {
  const events = createEmitter<ClientEvents>()
  const base = options.url.replace(/\/+$/, '')
  const g = globalThis as { WebSocket?: WebSocketConstructor }
  const rest = createRest(
    `${base}/v1/apps/${encodeURIComponent(options.appId)}`,
    options.fetch ?? ((input, init) => fetch(input, init)),
  )
  const auth = createAuth(rest, options, (session, who) => {
    events.emit('session', session)
    if (who) conn.restart('the signed-in user changed')
  })
  const conn = createConnection({
    ...options,
    url: `${base.replace(/^http/, 'ws')}/v1/ws?app=${encodeURIComponent(options.appId)}`,
    WebSocket: options.WebSocket ?? g.WebSocket,
    tokens: auth,
  })
  const rooms = new Map<string, ReturnType<typeof createRoom>>()
  const ranking = createFeed<RankingBoard>(conn, 'ranking', true)
  const lobby = createFeed<LobbyEvent>(conn, 'rooms', false)
  const lastChange = new Map<string, string>()

  let sanction: Sanction | null = null
  conn.on('state', (change) => events.emit('state', change))
  conn.on('event', (e) => {
    if (e.type === 'sanctioned' || e.type === 'sanction.lifted') {
      const { roomId, kind } = e.sanction
      if (roomId) rooms.get(roomId)?.handle(e)
      else if (e.type === 'sanctioned') sanction = e.sanction
      else if (sanction?.kind === kind) sanction = null
      if (e.type === 'sanctioned') events.emit('sanctioned', e.sanction)
    } else if (e.type === 'ranking') ranking.push(e.board)
    else if (e.type === 'room.created' || e.type === 'occupancy') lobby.push(e)
    else if (e.type === 'error') events.emit('error', e.error)
    else if (e.type === 'room.updated' || e.type === 'room.deleted') {
      // Members hear it through the room, lobby watchers through the lobby: a socket that is
      // both gets the same frame twice, which the room and the lobby each take once.
      rooms.get(e.room.id)?.handle(e)
      const frame = JSON.stringify(e)
      if (lastChange.get(e.room.id) !== frame) lobby.push(e)
      lastChange.set(e.room.id, frame)
    } else rooms.get(e.room)?.handle(e)
  })

  const room = (id: string) => {
    let r = rooms.get(id)
    if (!r)
      rooms.set(
        id,
        (r = createRoom(id, conn, options, (file, onProgress) =>
          rest('POST', `/rooms/${encodeURIComponent(id)}/attachments`, file, auth, onProgress),
        )),
      )
    return r
  }

  return {
    get state() {
      return conn.state
    },
    get user() {
      return conn.user
    },
    get limits() {
      return conn.limits
    },
    get sanction() {
      return sanction
    },
    moderation: createModeration(conn, (path) => rest('GET', path, undefined, auth)),
    auth,
    rooms: {
      list: ({ limit, cursor } = {}) => {
        const q = String(
          new URLSearchParams({ ...(limit && { limit: String(limit) }), ...(cursor && { cursor }) }),
        )
        return rest<Page<RoomInfo>>('GET', `/rooms${q && '?' + q}`, undefined, auth)
      },
      create: (body) => rest('POST', '/rooms', body, auth),
      get: (id) => rest('GET', `/rooms/${encodeURIComponent(id)}`, undefined, auth),
      watch: (handler, options) => lobby.subscribe(handler, options?.onLive),
    },
    ranking: { subscribe: ranking.subscribe },
    room,
    on: events.on,
    connect: conn.connect,
    close: conn.close,
  }
}
