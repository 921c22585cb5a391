import type { Request, Response, Server, Websocket } from 'hyper-express'
import {
  AUTH_TIMEOUT_MS,
  CLOSE,
  clientFrameSchemas,
  clip,
  isOp,
  SUBPROTOCOL,
  type ErrorCode,
} from '@roomful/sdk/protocol'
import { AppService } from '../apps/app-service.js'
import { knownError, RoomfulError, toWireError } from '../errors.js'
import type { Logger } from '../logger.js'
import type { Metrics, SocketCensus } from '../metrics/metrics.js'
import { unfollowAppFeed } from './app-feeds.js'
import { Connection } from './connection.js'
import { leaveRoomLocally, NO_REPLY, type HandlerDeps, type Handlers } from './handlers.js'
import { LagWatch, type LagLimits } from './lag-watch.js'

/**
 * uWS drops a socket whose frame exceeds this without a close frame (the client sees 1006), so
 * it is set well above any per-app limit and the limit itself is enforced here, with 1009.
 */
export const MAX_FRAME_CEILING = 1024 * 1024

/**
 * uWS silently skips a socket whose unsent bytes pass `maxBackpressure` (publishes and sends
 * alike, the close frame too). The lag watch stops feeding a socket within about a second of
 * it holding unsent bytes past `WS_LAG_LIMIT_BYTES` (16 MiB at most; see lag-watch.ts), so this
 * ceiling leaves room for what a busy room adds meanwhile plus the close frame: uWS never drops
 * before the client is told.
 */
export const MAX_BACKPRESSURE_CEILING = 256 * 1024 * 1024

/** Close codes that follow an error reply, for errors that make the connection useless. */
const CLOSE_AFTER: Partial<Record<ErrorCode, number>> = {
  token_invalid: CLOSE.authFailed,
  unauthenticated: CLOSE.authFailed,
  token_expired: CLOSE.tokenExpired,
  too_many_connections: CLOSE.tooManyConnections,
  app_disabled: CLOSE.appDisabled,
}

/** Refusals that close the socket only when they answer `auth` (a room ban refuses a `join`). */
const CLOSE_AFTER_AUTH: Partial<Record<ErrorCode, number>> = { banned: CLOSE.banned }

/** How often open sockets' apps are looked up again (the app cache lives 5 s). */
const APP_SWEEP_MS = 5_000
/** How often authenticated sockets are looked at for a token past its refresh window. A timer
 * per socket held about 280 bytes for the socket's life; one pass a second holds nothing, costs
 * 0.3-0.4 µs of CPU a socket, and closes at most a second late. */
const EXPIRY_SWEEP_MS = 1_000

interface UpgradeContext {
  appId: string
  origin: string
}

/**
 * The one WebSocket endpoint. Every frame is validated against its schema before a handler
 * sees it; a bad frame costs its sender an error reply and nothing else.
 */
export class Gateway {
  private readonly connections = new Set<Connection>()
  private nextId = 0
  private inFlight = 0
  private idleWaiters: Array<() => void> = []
  private appSweep: NodeJS.Timeout | undefined
  private expirySweep: NodeJS.Timeout | undefined
  private readonly lagWatch: LagWatch
  draining = false

  constructor(
    private readonly deps: HandlerDeps & {
      apps: AppService
      log: Logger
      metrics: Metrics
      tokenRefreshWindowMs: number
      lag: LagLimits
    },
    private readonly handlers: Handlers,
  ) {
    this.lagWatch = new LagWatch(this.connections, deps.lag, (outcome) =>
      deps.metrics.laggingSockets.inc({ outcome }),
    )
  }

  get size(): number {
    return this.connections.size
  }

  /** Counted on demand (a metrics scrape), so no socket event pays for it. */
  census(): SocketCensus {
    const users = new Set<string>()
    const rooms = new Set<object>()
    for (const conn of this.connections) {
      if (conn.identity && !conn.identity.guest) users.add(`${conn.app.id}/${conn.identity.id}`)
      for (const feed of conn.rooms.values()) rooms.add(feed)
    }
    return {
      connections: this.connections.size,
      authenticatedUsers: users.size,
      roomsWithMembers: rooms.size,
    }
  }

  mount(server: Server): void {
    // Other nodes' admin changes reach this node through the app cache: look every open
    // socket's app up again now and then, and close those of apps disabled or deleted since.
    this.appSweep = setInterval(() => void this.sweepApps(), APP_SWEEP_MS)
    this.appSweep.unref()
    this.expirySweep = setInterval(() => this.closeExpired(Date.now()), EXPIRY_SWEEP_MS)
    this.expirySweep.unref()
    this.lagWatch.start()
    server.upgrade('/v1/ws', (req: Request, res: Response) => this.upgrade(req, res))
    server.ws(
      '/v1/ws',
      {
        message_type: 'String',
        max_payload_length: MAX_FRAME_CEILING,
        idle_timeout: 60,
        max_backpressure: MAX_BACKPRESSURE_CEILING,
      },
      (ws: Websocket) => void this.open(ws),
    )
  }

  /** Resolves once every request already being handled has sent its reply. */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  /** Closes every socket with 1001 so clients reconnect elsewhere. */
  closeAll(): void {
    this.draining = true
    clearInterval(this.appSweep)
    clearInterval(this.expirySweep)
    this.lagWatch.stop()
    for (const conn of this.connections) conn.close(CLOSE.goingAway, 'server shutting down')
  }

  private async sweepApps(): Promise<void> {
    const appIds = new Set([...this.connections].map((conn) => conn.app.id))
    for (const appId of appIds) {
      const app = await this.deps.apps.find(appId).catch(() => undefined)
      if (app === null) this.closeApp(appId, CLOSE.forbidden, 'the app was deleted')
      else if (app?.disabled) this.closeApp(appId, CLOSE.appDisabled, 'the app was disabled')
    }
  }

  /**
   * The room was deleted: this node's members get `frame` (room.deleted) and are out of the
   * room at once, their presence in it gone without a leave notice.
   */
  evictRoom(appId: string, roomId: string, frame: string): void {
    for (const conn of this.connections) {
      const feed = conn.app.id === appId ? conn.rooms.get(roomId) : undefined
      if (!feed) continue
      conn.raw(frame)
      leaveRoomLocally(this.deps, conn, roomId, feed)
      const user = conn.identity
      if (user && !user.guest)
        this.deps.presence
          .evict(appId, roomId, conn.id, user.id)
          .catch((err: unknown) =>
            this.deps.log.warn({ err, room: roomId }, "unable to clear a deleted room's presence"),
          )
    }
  }

  /** This node's authenticated sockets of one user. */
  connectionsOf(appId: string, userId: string): Connection[] {
    const found: Connection[] = []
    for (const conn of this.connections)
      if (conn.app.id === appId && conn.identity?.id === userId && !conn.identity.guest && !conn.closed)
        found.push(conn)
    return found
  }

  /** Whether a socket of this user on this node authenticated as a moderator. */
  hasModerator(appId: string, userId: string): boolean {
    return this.connectionsOf(appId, userId).some((conn) => conn.identity?.moderator === true)
  }

  /** Closes this node's sockets of an app that was disabled (4004) or deleted (4003). */
  closeApp(appId: string, code: number, reason: string): void {
    for (const conn of this.connections) if (conn.app.id === appId) conn.close(code, reason)
  }

  /**
   * A page from an origin the app does not allow gets 403 here, so no socket is opened for it.
   * The upgrade is answered before this returns, never after an await, so the origin check uses
   * the app as this node last read it (`lastRead`). A node that has not read the app in the
   * last ten minutes (just started, or the app was created since) upgrades, and `open` closes a
   * foreign origin with 4005 before it reads a frame, as it closes an unknown or disabled app
   * (4003, 4004) or a store that cannot answer now (1011): close codes, which clients act on
   * and an HTTP status cannot carry through a browser's WebSocket.
   *
   * Why never after an await: uWebSockets.js (the build we run on) can close a socket upgraded
   * from a later tick right after its open event. The cork an async upgrade needs reads the
   * HTTP response's state from memory that has just become the WebSocket's, and when those
   * bytes say "close" it drops the new socket without a close frame (uNetworking/uWebSockets
   * #1929). Clients saw 1006 on their first frame, on the first socket of an app this node had
   * not looked up in the last five seconds, about one time in seven.
   */
  private upgrade(req: Request, res: Response): void {
    const protocols = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim())
    if (this.draining) return void res.status(503).send('shutting down')
    if (!protocols.includes(SUBPROTOCOL))
      return void res.status(400).send(`use the ${SUBPROTOCOL} subprotocol`)
    const appId = String(req.query_parameters.app ?? '')
    const origin = req.headers.origin ?? ''
    const app = origin ? this.deps.apps.lastRead(appId) : undefined
    if (app && !app.disabled && !AppService.originAllowed(app, origin))
      return void res.status(403).send(`origin ${origin} is not allowed for app ${appId}`)
    res.upgrade({ appId, origin } satisfies UpgradeContext)
  }

  private async open(ws: Websocket): Promise<void> {
    const { appId, origin } = ws.context as unknown as UpgradeContext
    // Frames may arrive while the app is looked up: hold them, then replay in order.
    const early: Array<[string, boolean]> = []
    const hold = (raw: string, binary: boolean) => void early.push([raw, binary])
    ws.on('message', hold)
    let app
    try {
      app = await this.deps.apps.require(appId)
    } catch (err) {
      // An unknown or disabled app will not change by retrying; a store hiccup will.
      if (!(err instanceof RoomfulError) || err.code === 'store_unavailable') {
        this.deps.log.warn({ err, appId }, 'unable to load the app of a new socket')
        return ws.close(CLOSE.internal, 'unable to load the app; retry')
      }
      return ws.close(err.code === 'app_disabled' ? CLOSE.appDisabled : CLOSE.forbidden, err.message)
    }
    if (ws.closed) return
    // Refused at the upgrade already when the node held the app; this catches the rest.
    if (!AppService.originAllowed(app, origin || undefined))
      return ws.close(CLOSE.originNotAllowed, `origin ${origin} is not allowed for app ${appId}`)

    const id = `${this.deps.nodeId}.${(++this.nextId).toString(36)}`
    const conn = new Connection(id, ws, app, this.deps.metrics.framesSent)
    this.connections.add(conn)
    conn.authTimer = setTimeout(() => conn.close(CLOSE.authTimeout, 'no auth frame in time'), AUTH_TIMEOUT_MS)
    ws.off('message', hold)
    ws.on('message', (raw: string, binary: boolean) => void this.onFrame(conn, raw, binary))
    ws.on('close', () => void this.onClose(conn))
    for (const [raw, binary] of early) void this.onFrame(conn, raw, binary)
  }

  private async onFrame(conn: Connection, raw: string, binary: boolean): Promise<void> {
    this.deps.metrics.framesReceived.inc()
    // A lagging socket is about to be told to reconnect; its requests will be made again then.
    if (conn.closed || conn.laggingSince !== null) return
    // The protocol is JSON text. A binary frame is a client that speaks something else: it is
    // refused as such rather than decoded as if it were text.
    if (binary) return conn.close(CLOSE.unsupportedData, 'binary frames are not supported; send JSON text')
    if (Buffer.byteLength(raw) > conn.limits.maxFrameBytes) return conn.close(CLOSE.tooBig, 'frame too large')
    if (!conn.frames.take()) {
      if (++conn.strikes >= conn.limits.floodStrikes) return conn.close(CLOSE.flood, 'too many frames')
      return this.sendError(conn, raw, 'rate_limited')
    }
    conn.strikes = 0

    let frame: unknown
    try {
      frame = JSON.parse(raw)
    } catch {
      return conn.event({ type: 'error', error: new RoomfulError('malformed_json').toWire() })
    }
    const id = typeof frame === 'object' && frame !== null ? (frame as { id?: unknown }).id : undefined
    const op = typeof frame === 'object' && frame !== null ? (frame as { op?: unknown }).op : undefined
    const reply = (error: RoomfulError) => {
      if (op === 'send') this.deps.metrics.refusedSend(error.code)
      if (typeof id === 'string' && id.length > 0 && id.length <= 64) conn.replyError(id, error.toWire())
      else conn.event({ type: 'error', error: error.toWire() })
    }

    if (!isOp(op))
      return reply(
        new RoomfulError(
          'unknown_op',
          `unable to handle op ${clip(String(JSON.stringify(op)))}; unknown operation`,
        ),
      )
    const parsed = clientFrameSchemas[op].parse(frame)
    if (!parsed.ok) return reply(new RoomfulError('bad_request', `unable to handle ${op}; ${parsed.issue}`))
    if (!conn.identity && op !== 'auth' && op !== 'ping') return reply(new RoomfulError('unauthenticated'))
    if (this.draining) return reply(new RoomfulError('shutting_down'))

    const request = parsed.value as { id: string }
    this.inFlight++
    const started = op === 'send' ? performance.now() : 0
    try {
      const handler = this.handlers[op] as (c: Connection, f: unknown) => Promise<unknown>
      const result = await handler(conn, request)
      if (result !== NO_REPLY) conn.reply(request.id, result)
      if (op === 'send') this.deps.metrics.ackedSend((performance.now() - started) / 1000)
    } catch (err) {
      const error = knownError(err)
      if (!error) this.deps.log.error({ err, op, conn: conn.id }, 'a request failed unexpectedly')
      const wire = toWireError(err)
      conn.replyError(request.id, wire)
      if (op === 'send') this.deps.metrics.refusedSend(wire.code)
      const closeWith =
        error && (CLOSE_AFTER[error.code] ?? (op === 'auth' ? CLOSE_AFTER_AUTH[error.code] : undefined))
      if (closeWith) conn.close(closeWith, error.message)
    } finally {
      if (--this.inFlight === 0) this.idleWaiters.splice(0).forEach((wake) => wake())
    }
  }

  /**
   * Closes with 4100 every socket whose token has been expired for the refresh window at `now`
   * (milliseconds since the epoch). A re-auth (same user, fresh token) moves `expiresAt` on, so
   * it is simply read again at the next pass. Nothing is sent before: clients refresh ahead of
   * `exp` on their own.
   */
  private closeExpired(now: number): void {
    const closeBefore = (now - this.deps.tokenRefreshWindowMs) / 1000
    for (const conn of this.connections) {
      const expiresAt = conn.identity?.expiresAt
      if (expiresAt !== undefined && expiresAt <= closeBefore && !conn.closed)
        conn.close(CLOSE.tokenExpired, 'the token expired; reconnect with a fresh one')
    }
  }

  private sendError(conn: Connection, raw: string, code: ErrorCode): void {
    // The frame is not parsed under rate limiting, but its id is worth finding cheaply so the
    // client can fail the right request.
    const id = /"id"\s*:\s*"([^"]{1,64})"/.exec(raw)?.[1]
    const error = new RoomfulError(code).toWire()
    if (id) conn.replyError(id, error)
    else conn.event({ type: 'error', error })
  }

  private async onClose(conn: Connection): Promise<void> {
    conn.closed = true
    this.connections.delete(conn)
    if (conn.authTimer) clearTimeout(conn.authTimer)
    unfollowAppFeed(this.deps, conn, 'ranking')
    unfollowAppFeed(this.deps, conn, 'lobby')
    const user = conn.identity
    const rooms = [...conn.rooms]
    for (const [roomId, feed] of rooms) leaveRoomLocally(this.deps, conn, roomId, feed)
    // During a drain the node departs all its presence at once (see the shutdown sequence).
    if (!user || this.draining) return
    // Not `leave`: the user stays present for the app's grace period, in case they are only
    // reconnecting (to this node or another). Failed store writes are retried by presence.
    const { presence } = this.deps
    if (!user.guest)
      await Promise.all(rooms.map(([roomId]) => presence.depart(conn.app.id, roomId, conn.id, user.id)))
    await presence.disconnect(conn.app.id, user.id, conn.id)
  }
}
