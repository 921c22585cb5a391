import type { Websocket } from 'hyper-express'
import type { ServerEvent, WireError } from '@roomful/sdk/protocol'
import type { ResolvedApp } from '../apps/app-service.js'
import type { VerifiedIdentity } from '../auth/tokens.js'
import type { RoomFeed } from '../messages/room-feed.js'
import { TokenBucket } from './token-bucket.js'

/** App-wide feeds a socket can follow: the live ranking board, and the lobby (rooms created,
 * occupancy changes). Each is one bus channel relayed to one uWS topic per app (app-feeds.ts). */
export type AppFeed = 'ranking' | 'lobby'

/** Everything one socket is: its app, who it authenticated as, and what it joined. */
export class Connection {
  identity: VerifiedIdentity | null = null
  /** Joined rooms and the feeds they are subscribed through. */
  readonly rooms = new Map<string, RoomFeed>()
  /** Rooms whose join is still in progress, so a second join of the same room is refused. */
  readonly joining = new Set<string>()
  readonly lastTyping = new Map<string, number>()
  /** App-wide feeds this socket follows. */
  readonly appFeeds = new Set<AppFeed>()
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
