import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import type { ClientFrame, Op, ServerEvent } from '../../src/protocol/frames.js'
import type { WireError } from '../../src/protocol/errors.js'
import type { Message, Room, UserProfile } from '../../src/protocol/models.js'
import { DEFAULT_LIMITS, SUBPROTOCOL } from '../../src/protocol/limits.js'

/**
 * A small in-process Roomful server for SDK tests: rooms with gapless seqs, idempotent sends,
 * resume with `sinceSeq`, presence and feeds, plus hooks to script the edge cases (lost replies,
 * dropped sockets, close codes, too_old replays). In the spirit of centrifuge-js's fakeServer.
 */

/** What a hook returns: a reply body, an error, or `null` for "never reply". */
export type HookReply = { result: unknown } | { error: WireError } | null
export type Hook<O extends Op = Op> = (
  frame: Extract<ClientFrame, { op: O }>,
  conn: FakeConn,
  next: () => HookReply,
) => HookReply | Promise<HookReply>

export interface FakeConn {
  ws: WebSocket
  user: UserProfile | null
  rooms: Set<string>
  /** Push a server frame to this client. */
  push(frame: object): void
  /** Close with a code (server-initiated close handshake). */
  close(code: number, reason?: string): void
  /** Kill the TCP connection without a close frame. */
  terminate(): void
}

export interface FakeServer {
  /** Base URL to pass as `createClient({ url })`. */
  url: string
  /** Every frame received, in order, across connections. */
  frames: ClientFrame[]
  conns: FakeConn[]
  /** The connection most recently authenticated. */
  readonly last: FakeConn | undefined
  /** Override (or wrap, via `next`) one op's handling. */
  hook<O extends Op>(op: O, fn: Hook<O>): void
  /** Store a message from someone else and publish it to the room (unless `publish` is false). */
  post(room: string, text: string, opts?: { user?: UserProfile; publish?: boolean }): Message
  /** The stored log of a room. */
  log(room: string): Message[]
  /** Send an event to every connection in a room. */
  publish(room: string, event: ServerEvent): void
  /** Number of auth frames received: how many times the client (re)connected. */
  readonly authCount: number
  /** The next presence version, as the server orders presence changes. */
  nextPresenceVersion(): number
  /** Max messages a `sinceSeq` join replays before answering `too_old`. */
  maxReplay: number
  /** Resolves once `predicate` holds, checked after every received frame and on a short poll. */
  until(predicate: () => boolean, what?: string): Promise<void>
  stop(): Promise<void>
}

const other: UserProfile = { id: 'u_other', name: 'Other', avatar: null }

export async function startFakeServer(): Promise<FakeServer> {
  let presenceVersion = 0
  // Plain HTTP gets an empty page, so a browser test can load an origin next to the socket.
  const http = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html>'),
  )
  const wss = new WebSocketServer({
    server: http,
    handleProtocols: (p) => (p.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()))
  const port = (http.address() as AddressInfo).port
  const rooms = new Map<string, { room: Room; log: Message[] }>()
  const hooks = new Map<Op, Hook>()
  const frames: ClientFrame[] = []
  const conns: FakeConn[] = []
  let authCount = 0
  let lastConn: FakeConn | undefined
  let nextMsg = 1

  const roomOf = (id: string) => {
    let r = rooms.get(id)
    if (!r) {
      r = {
        room: {
          id,
          name: id,
          topic: null,
          createdAt: new Date(0).toISOString(),
          createdBy: 'u_x',
          occupancy: 0,
          lastSeq: 0,
          slowModeSeconds: 0,
          readOnly: false,
          archived: false,
        },
        log: [],
      }
      rooms.set(id, r)
    }
    return r
  }

  const store = (room: string, text: string, user: UserProfile, clientId: string | null): Message => {
    const r = roomOf(room)
    const m: Message = {
      id: `m${nextMsg++}`,
      roomId: room,
      seq: r.log.length + 1,
      kind: 'text',
      user,
      text,
      clientId,
      createdAt: new Date().toISOString(),
    }
    r.log.push(m)
    r.room.lastSeq = m.seq
    return m
  }

  /** The server's change rule in small: the sender edits or deletes; a new log entry says so. */
  const change = (
    room: string,
    id: string,
    user: UserProfile,
    kind: 'edit' | 'delete',
    text: string,
  ): HookReply => {
    const r = roomOf(room)
    const i = r.log.findIndex((m) => m.id === id && m.deletedAt === undefined)
    const target = r.log[i]
    if (!target) return { error: { code: 'not_found', message: 'no such message' } }
    if (target.user.id !== user.id) return { error: { code: 'forbidden', message: 'not yours' } }
    const entry = { ...store(room, text, user, null), kind, target: id }
    r.log[entry.seq - 1] = entry
    const at = entry.createdAt
    const next: Message =
      kind === 'edit'
        ? { ...target, text, editedAt: at }
        : { ...target, text: '', deletedAt: at, deletedBy: user.id }
    r.log[i] = next
    publish(room, { type: 'message', room, message: entry })
    return { result: { message: next } }
  }

  const publish = (room: string, event: ServerEvent) => {
    for (const c of conns) if (c.rooms.has(room)) c.push(event)
  }

  const members = (room: string) => {
    const users = new Map<string, UserProfile>()
    for (const c of conns) if (c.rooms.has(room) && c.user) users.set(c.user.id, c.user)
    return [...users.values()]
  }

  const defaults: { [O in Op]: (frame: Extract<ClientFrame, { op: O }>, conn: FakeConn) => HookReply } = {
    auth(f, conn) {
      if (f.token?.startsWith('bad')) return { error: { code: 'token_invalid', message: 'bad token' } }
      if (f.token?.startsWith('expired')) return { error: { code: 'token_expired', message: 'expired' } }
      const id = f.token ? f.token.split('.')[0]! : 'guest'
      conn.user = { id, name: id, avatar: null }
      return {
        result: {
          user: { ...conn.user, guest: !f.token },
          connectionId: `c${conns.length}`,
          limits: DEFAULT_LIMITS,
        },
      }
    },
    join(f, conn) {
      const r = roomOf(f.room)
      conn.rooms.add(f.room)
      if (conn.user)
        publish(f.room, {
          type: 'presence',
          room: f.room,
          action: 'join',
          user: conn.user,
          total: members(f.room).length,
          version: ++presenceVersion,
        })
      const presence = { users: members(f.room), total: members(f.room).length, version: ++presenceVersion }
      const latest = (limit = 50) => r.log.slice(-limit)
      if (f.sinceSeq === undefined) {
        const messages = latest(f.limit)
        return {
          result: {
            room: r.room,
            messages,
            replay: 'latest',
            hasMore: r.log.length > messages.length,
            presence,
          },
        }
      }
      const missed = r.log.filter((m) => m.seq > f.sinceSeq!)
      if (missed.length > server.maxReplay) {
        const messages = latest()
        return { result: { room: r.room, messages, replay: 'too_old', hasMore: true, presence } }
      }
      return { result: { room: r.room, messages: missed, replay: 'resumed', hasMore: false, presence } }
    },
    leave(f, conn) {
      conn.rooms.delete(f.room)
      return { result: {} }
    },
    send(f, conn) {
      const r = roomOf(f.room)
      if (!conn.rooms.has(f.room)) return { error: { code: 'not_joined', message: 'join first' } }
      const existing = r.log.find((m) => m.clientId === f.clientId)
      if (existing) return { result: { message: existing } }
      const m = store(f.room, f.text, conn.user!, f.clientId)
      publish(f.room, { type: 'message', room: f.room, message: m })
      return { result: { message: m } }
    },
    edit(f, conn) {
      return change(f.room, f.messageId, conn.user!, 'edit', f.text)
    },
    delete(f, conn) {
      return change(f.room, f.messageId, conn.user!, 'delete', '')
    },
    history(f) {
      const r = roomOf(f.room)
      const before = f.before ?? Infinity
      const older = r.log.filter((m) => m.seq < before)
      const messages = older.slice(-(f.limit ?? 50))
      return { result: { messages, hasMore: older.length > messages.length } }
    },
    typing(f, conn) {
      for (const c of conns)
        if (c !== conn && c.rooms.has(f.room)) c.push({ type: 'typing', room: f.room, user: conn.user })
      return { result: {} }
    },
    'ranking.subscribe': () => ({ result: { board: { entries: [], updatedAt: new Date().toISOString() } } }),
    'ranking.unsubscribe': () => ({ result: {} }),
    'rooms.subscribe': () => ({ result: {} }),
    'rooms.unsubscribe': () => ({ result: {} }),
    'room.update': (f) => ({ result: { room: roomOf(f.room).room } }),
    'room.delete': () => ({ result: {} }),
    report: () => ({ error: { code: 'forbidden', message: 'not in the fake server' } }),
    'reports.list': () => ({ result: { items: [], nextCursor: null } }),
    'report.resolve': () => ({ error: { code: 'not_found', message: 'not in the fake server' } }),
    ping: () => ({ result: { time: new Date().toISOString() } }),
    // Moderation is the real server's business (sdk/test/integration/sanctions.test.ts).
    'moderation.ban': () => ({ error: { code: 'forbidden', message: 'not in the fake' } }),
    'moderation.mute': () => ({ error: { code: 'forbidden', message: 'not in the fake' } }),
    'moderation.unban': () => ({ error: { code: 'forbidden', message: 'not in the fake' } }),
    'moderation.unmute': () => ({ error: { code: 'forbidden', message: 'not in the fake' } }),
    'moderation.sanctions': () => ({ error: { code: 'forbidden', message: 'not in the fake' } }),
  }

  const waiters = new Set<() => void>()
  const notify = () => {
    for (const w of [...waiters]) w()
  }

  wss.on('connection', (ws) => {
    const conn: FakeConn = {
      ws,
      user: null,
      rooms: new Set(),
      push: (frame) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(frame)),
      close: (code, reason) => ws.close(code, reason),
      terminate: () => ws.terminate(),
    }
    conns.push(conn)
    ws.on('close', () => {
      conns.splice(conns.indexOf(conn), 1)
      notify()
    })
    ws.on('message', async (data) => {
      const frame = JSON.parse(String(data)) as ClientFrame
      frames.push(frame)
      if (frame.op === 'auth') {
        authCount++
        lastConn = conn
      }
      const fallback = () => (defaults[frame.op] as (f: ClientFrame, c: FakeConn) => HookReply)(frame, conn)
      const hook = hooks.get(frame.op)
      const reply = hook ? await hook(frame as never, conn, fallback) : fallback()
      if (reply) conn.push({ type: 'reply', id: frame.id, ...reply })
      notify()
    })
  })

  const server: FakeServer = {
    url: `http://127.0.0.1:${port}`,
    frames,
    conns,
    get last() {
      return lastConn
    },
    get authCount() {
      return authCount
    },
    maxReplay: 1000,
    nextPresenceVersion: () => ++presenceVersion,
    hook: (op, fn) => void hooks.set(op, fn as unknown as Hook),
    post(room, text, opts = {}) {
      const m = store(room, text, opts.user ?? other, null)
      if (opts.publish !== false) publish(room, { type: 'message', room, message: m })
      return m
    },
    log: (room) => roomOf(room).log,
    publish,
    until(predicate, what = 'condition') {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate()) return
          cleanup()
          resolve()
        }
        const poll = setInterval(check, 10)
        const limit = setTimeout(() => {
          cleanup()
          reject(new Error(`timed out waiting for ${what}`))
        }, 10_000)
        const cleanup = () => {
          waiters.delete(check)
          clearInterval(poll)
          clearTimeout(limit)
        }
        waiters.add(check)
        check()
      })
    },
    async stop() {
      for (const c of conns) c.terminate()
      await new Promise<void>((resolve) => wss.close(() => resolve()))
      await new Promise<void>((resolve) => http.close(() => resolve()))
    },
  }
  return server
}
