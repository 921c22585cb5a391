import type { Websocket } from 'hyper-express'
import type { ServerEvent, WireError } from '@roomful/sdk/protocol'
import type { ResolvedApp } from '../apps/app-service.js'
import type { VerifiedIdentity } from '../auth/tokens.js'
import type { RoomFeed } from '../messages/room-feed.js'
import { TokenBucket } from './token-bucket.js'

/** App-wide feeds a socket can follow: the live ranking board, and the lobby (rooms created,
 * occupancy changes). Each is one bus channel relayed to one uWS topic per app (app-feeds.ts). */
export type AppFeed = 'ranking' | 'lobby'

// Shared stand-ins for the collections a socket has not needed yet: an empty Map or Set costs
// about 200 bytes, and many sockets (a lobby, an idle tab) never join or type.
const NO_ROOMS: ReadonlyMap<string, RoomFeed> = new Map()
const NO_NAMES: ReadonlySet<string> = new Set()
const NO_FEEDS: ReadonlySet<AppFeed> = new Set()

/** Everything one socket is: its app, who it authenticated as, and what it joined. */
export class Connection {
  identity: VerifiedIdentity | null = null
  private joinedRooms: Map<string, RoomFeed> | null = null
  private roomsJoining: Set<string> | null = null
  private typedAt: Map<string, number> | null = null
  private followed: Set<AppFeed> | null = null
  strikes = 0
  closed = false
  /** When the socket passed the unsent-bytes limit (see lag-watch.ts); null while it keeps up. */
  laggingSince: number | null = null
  /** Unsent bytes at the last lag sweep. */
  lastBuffered = 0
  authTimer: NodeJS.Timeout | null = null
  readonly frames: TokenBucket

  constructor(
    readonly id: string,
    readonly socket: Websocket,
    readonly app: ResolvedApp,
    /** Counts every frame written to this socket (the node's `roomful_ws_frames_sent_total`). */
    private readonly sent: { inc(): void },
  ) {
    const { framesPerSecond } = app.effectiveLimits
    this.frames = new TokenBucket(framesPerSecond, framesPerSecond * 2)
  }

  get limits() {
    return this.app.effectiveLimits
  }

  /** Joined rooms and the feeds they are subscribed through. */
  get rooms(): ReadonlyMap<string, RoomFeed> {
    return this.joinedRooms ?? NO_ROOMS
  }

  enterRoom(roomId: string, feed: RoomFeed): void {
    ;(this.joinedRooms ??= new Map()).set(roomId, feed)
  }

  exitRoom(roomId: string): void {
    this.joinedRooms?.delete(roomId)
    this.typedAt?.delete(roomId)
  }

  /** Rooms whose join is still in progress, so a second join of the same room is refused. */
  get joining(): ReadonlySet<string> {
    return this.roomsJoining ?? NO_NAMES
  }

  startJoining(roomId: string): void {
    ;(this.roomsJoining ??= new Set()).add(roomId)
  }

  endJoining(roomId: string): void {
    this.roomsJoining?.delete(roomId)
  }

  /** When this socket last sent a typing hint to `roomId` (epoch ms; 0 if never). */
  lastTyping(roomId: string): number {
    return this.typedAt?.get(roomId) ?? 0
  }

  typed(roomId: string, now: number): void {
    ;(this.typedAt ??= new Map()).set(roomId, now)
  }

  /** App-wide feeds this socket follows. */
  get appFeeds(): ReadonlySet<AppFeed> {
    return this.followed ?? NO_FEEDS
  }

  follow(feed: AppFeed): void {
    ;(this.followed ??= new Set()).add(feed)
  }

  /** False if the socket did not follow `feed`. */
  unfollow(feed: AppFeed): boolean {
    return this.followed?.delete(feed) ?? false
  }

  reply(id: string, result: unknown): void {
    this.raw(JSON.stringify({ type: 'reply', id, result }))
  }

  replyError(id: string, error: WireError): void {
    this.raw(JSON.stringify({ type: 'reply', id, error }))
  }

  event(event: ServerEvent): void {
    this.raw(JSON.stringify(event))
  }

  raw(frame: string): void {
    if (this.closed || this.laggingSince !== null) return
    // A send first writes what the socket's topics queued this turn (uWS drains topics at the
    // end of each loop iteration). Corked, the two leave in one write: an ack sent after a
    // commit goes out with the sender's own copy of the message, not a system call after it.
    this.socket.atomic(() => this.socket.send(frame))
    this.sent.inc()
  }

  close(code: number, reason: string): void {
    if (this.closed) return
    this.closed = true
    this.socket.close(code, reason)
  }

  /** Subscribes to a uWS topic, unless the socket fell behind (see `stopFeeds`). */
  subscribe(topic: string): void {
    if (this.laggingSince === null) this.socket.subscribe(topic)
  }

  /**
   * The socket fell behind: nothing more is written to it (no topic, no reply) until it is
   * closed, so what it already holds ends at a frame it will read in order.
   */
  stopFeeds(now: number): void {
    this.laggingSince = now
    for (const topic of this.socket.topics) this.socket.unsubscribe(topic)
  }

  /** Closes at once without a close frame, for a socket that cannot take even that. */
  cut(): void {
    if (this.closed) return
    this.closed = true
    this.socket.destroy()
  }
}
