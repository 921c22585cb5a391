import { CLOSE } from '@roomful/sdk/protocol'
import type { Connection } from './connection.js'

/**
 * How often every socket's unsent bytes are looked at. One native call per socket per sweep
 * (`getBufferedAmount`), instead of one per delivered frame: fan-out stays a topic publish.
 */
export const LAG_SWEEP_MS = 100

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
 * limit at two sweeps in a row and not shrinking (frames come faster than it reads) stops
 * getting frames at once: its topics are dropped, so it costs nothing more. Then, at the next sweeps:
 *
 * - once it has read its way back under half the limit, it is closed with 4103: the close frame
 *   queues right behind what it still has to read, so the client reads every frame it was
 *   sent, in order, then learns it must resume with `sinceSeq`. (Half, not merely "fewer bytes
 *   than before": the kernel's socket buffers still take some bytes from a client that reads
 *   nothing, and that must not pass for reading);
 * - if it has not got there after `cutMs`, it would not take a close frame either: it is cut
 *   (the client sees 1006 when it looks again, and reconnects the same way).
 *
 * A socket reading a large reply (a long replay) shrinks from sweep to sweep and is left alone,
 * so a resume bigger than the limit does not close the socket it is meant to restore. uWS's own
 * `maxBackpressure` sits far above the limit (see the gateway), so uWS never drops a frame
 * silently before this check has stopped the socket's feeds.
 */
export class LagWatch {
  private timer: NodeJS.Timeout | undefined

  constructor(
    private readonly connections: Iterable<Connection>,
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

  /** One pass over the sockets at time `now` (milliseconds, monotonic). */
  sweep(now: number): void {
    const { limitBytes, cutMs } = this.limits
    for (const conn of this.connections) {
      if (conn.closed) continue
      const buffered = conn.socket.buffered
      const previous = conn.lastBuffered
      conn.lastBuffered = buffered
      if (conn.laggingSince === null) {
        // Over the limit at two sweeps in a row, not shrinking between: frames come faster
        // than it reads. One big reply (a long replay) it is reading shrinks, and is left alone.
        if (buffered > limitBytes && previous > limitBytes && buffered >= previous) conn.stopFeeds(now)
      } else if (buffered <= limitBytes / 2) {
        conn.close(CLOSE.lagging, 'you fell behind; reconnect and resume with sinceSeq')
        this.outcome('closed')
      } else if (now - conn.laggingSince >= cutMs) {
        conn.cut()
        this.outcome('cut')
      }
    }
  }
}
