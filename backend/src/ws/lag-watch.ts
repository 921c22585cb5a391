import { CLOSE } from '@roomful/sdk/protocol'
import type { Connection } from './connection.js'

/**
 * How often the lag watch sweeps. Each look at a socket's unsent bytes is one native call
 * (`getBufferedAmount`), instead of one per delivered frame: fan-out stays a topic publish.
 */
export const LAG_SWEEP_MS = 100

/**
 * A socket that held nothing at its last look is looked at again within this many sweeps (a
 * second): each sweep takes the next share of the sockets in turn. Looking at every socket at
 * every sweep cost an idle node 39 ms of CPU a second with 10,000 sockets. A socket seen holding
 * unsent bytes is looked at every sweep until it holds none.
 */
export const SWEEPS_PER_ROUND = 10

export interface LagLimits {
  /** Unsent bytes a socket may hold before it counts as lagging (if they are not shrinking). */
  limitBytes: number
  /** How long a lagging socket may take to drain under half the limit before it is cut without
   * a close frame (it is not reading, or far too slowly to catch up). */
  cutMs: number
}

export type LagOutcome = 'closed' | 'cut'

/**
 * Slow readers are told, never left silently behind. A socket whose unsent bytes are above the
 * limit at two looks in a row and not shrinking (frames come faster than it reads) stops
 * getting frames at once: its topics are dropped, so it costs nothing more. Then, at the next
 * looks:
 *
 * - once it has read its way back under half the limit, it is closed with 4103: the close frame
 *   queues right behind what it still has to read, so the client reads every frame it was
 *   sent, in order, then learns it must resume with `sinceSeq`. (Half, not merely "fewer bytes
 *   than before": the kernel's socket buffers still take some bytes from a client that reads
 *   nothing, and that must not pass for reading);
 * - if it has not got there after `cutMs`, it would not take a close frame either: it is cut
 *   (the client sees 1006 when it looks again, and reconnects the same way).
 *
 * A socket is looked at once a second while it holds nothing, and at every sweep from the look
 * that finds it holding unsent bytes (see `SWEEPS_PER_ROUND`). A socket reading a large reply
 * (a long replay) shrinks from look to look and is left alone, so a resume bigger than the
 * limit does not close the socket it is meant to restore. uWS's own `maxBackpressure` sits far
 * above the limit (see the gateway), so uWS never drops a frame silently before this check has
 * stopped the socket's feeds.
 */
export class LagWatch {
  private timer: NodeJS.Timeout | undefined
  /** Sockets that held unsent bytes at their last look, or are lagging: looked at every sweep. */
  private readonly watched = new Set<Connection>()
  /** Where the turns over all sockets stand; a new round starts when it runs out. */
  private round: Iterator<Connection> | null = null

  constructor(
    private readonly connections: ReadonlySet<Connection>,
    private readonly limits: LagLimits,
    private readonly outcome: (what: LagOutcome) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.sweep(performance.now()), LAG_SWEEP_MS)
    this.timer.unref()
  }

  stop(): void {
    clearInterval(this.timer)
  }

  /** One sweep at time `now` (milliseconds, monotonic): the watched sockets, then the next share. */
  sweep(now: number): void {
    for (const conn of this.watched) this.look(conn, now)
    let share = Math.ceil(this.connections.size / SWEEPS_PER_ROUND)
    while (share-- > 0) {
      this.round ??= this.connections.values()
      const next = this.round.next()
      if (next.done) {
        this.round = null
        break
      }
      if (!this.watched.has(next.value)) this.look(next.value, now)
    }
  }

  private look(conn: Connection, now: number): void {
    if (conn.closed) return void this.watched.delete(conn)
    const { limitBytes, cutMs } = this.limits
    const buffered = conn.socket.buffered
    const previous = conn.lastBuffered
    conn.lastBuffered = buffered
    if (conn.laggingSince === null) {
      // Over the limit at two looks in a row, not shrinking between: frames come faster
      // than it reads. One big reply (a long replay) it is reading shrinks, and is left alone.
      if (buffered > limitBytes && previous > limitBytes && buffered >= previous) conn.stopFeeds(now)
    } else if (buffered <= limitBytes / 2) {
      conn.close(CLOSE.lagging, 'you fell behind; reconnect and resume with sinceSeq')
      this.outcome('closed')
    } else if (now - conn.laggingSince >= cutMs) {
      conn.cut()
      this.outcome('cut')
    }
    if (!conn.closed && (buffered > 0 || conn.laggingSince !== null)) this.watched.add(conn)
    else this.watched.delete(conn)
  }
}
