import type { Websocket } from 'hyper-express'
import { CLOSE, DEFAULT_LIMITS } from '@roomful/sdk/protocol'
import { describe, expect, it } from 'vitest'
import type { ResolvedApp } from '../apps/app-service.js'
import { Connection } from './connection.js'
import { LagWatch, SWEEPS_PER_ROUND, type LagOutcome } from './lag-watch.js'

const LIMIT = 1000
const CUT_MS = 3000

/** A stand-in socket whose unsent bytes the test sets, counting how often they are read. */
function standInSocket() {
  return {
    bytes: 0,
    reads: 0,
    get buffered() {
      this.reads++
      return this.bytes
    },
    set buffered(bytes: number) {
      this.bytes = bytes
    },
    topics: ['r/app/room', 'ranking/app'],
    sent: [] as string[],
    closedWith: null as number | null,
    destroyed: false,
    subscribe(topic: string) {
      this.topics.push(topic)
    },
    unsubscribe(topic: string) {
      this.topics = this.topics.filter((t) => t !== topic)
    },
    send(frame: string) {
      this.sent.push(frame)
    },
    close(code: number) {
      this.closedWith = code
    },
    destroy() {
      this.destroyed = true
    },
  }
}

const app = { effectiveLimits: DEFAULT_LIMITS } as unknown as ResolvedApp
const connectionOver = (socket: ReturnType<typeof standInSocket>, id = 'c1') =>
  new Connection(id, socket as unknown as Websocket, app, { inc() {} })

/** One connection over a stand-in socket, watched alone. */
function socketWith() {
  const socket = standInSocket()
  const conn = connectionOver(socket)
  const outcomes: LagOutcome[] = []
  const watch = new LagWatch(new Set([conn]), { limitBytes: LIMIT, cutMs: CUT_MS }, (o) => outcomes.push(o))
  return { socket, conn, watch, outcomes }
}

describe('the lag watch', () => {
  it('leaves a socket under the limit alone, however long', () => {
    const { socket, conn, watch } = socketWith()
    for (let t = 0; t < 10_000; t += 100) {
      socket.buffered = LIMIT
      watch.sweep(t)
    }
    expect(conn.laggingSince).toBeNull()
    expect(socket.topics).toHaveLength(2)
  })

  it('stops the feeds of a socket over the limit, then closes it with 4103 once it drains', () => {
    const { socket, conn, watch, outcomes } = socketWith()
    socket.buffered = LIMIT + 1
    watch.sweep(0)
    expect(conn.laggingSince).toBeNull() // one look over the limit may be one big frame
    watch.sweep(100)
    expect(conn.laggingSince).toBe(100)
    expect(socket.topics).toEqual([])
    // Nothing more reaches it meanwhile: no reply, no event, no new subscription.
    conn.event({ type: 'error', error: { code: 'internal', message: 'x' } })
    conn.subscribe('r/app/other')
    expect(socket.sent).toEqual([])
    expect(socket.topics).toEqual([])
    watch.sweep(200)
    expect(socket.closedWith).toBeNull()
    socket.buffered = LIMIT // a little less: kernel buffers take that much from a stalled client
    watch.sweep(300)
    expect(socket.closedWith).toBeNull()
    socket.buffered = LIMIT / 2 // it is reading: the close frame will reach it behind the rest
    watch.sweep(400)
    expect(socket.closedWith).toBe(CLOSE.lagging)
    expect(socket.destroyed).toBe(false)
    expect(outcomes).toEqual(['closed'])
  })

  it('cuts a lagging socket that has not drained after the cut delay, and only then', () => {
    const { socket, watch, outcomes } = socketWith()
    socket.buffered = 5 * LIMIT
    watch.sweep(0)
    watch.sweep(100)
    watch.sweep(100 + CUT_MS - 1)
    expect(socket.destroyed).toBe(false)
    watch.sweep(100 + CUT_MS)
    expect(socket.destroyed).toBe(true)
    expect(socket.closedWith).toBeNull()
    expect(outcomes).toEqual(['cut'])
    watch.sweep(CUT_MS + 200)
    expect(outcomes).toEqual(['cut'])
  })

  it('looks at a socket holding nothing once a round, and at one holding bytes every sweep', () => {
    const sockets = Array.from({ length: 100 }, () => standInSocket())
    const conns = new Set(sockets.map((socket, i) => connectionOver(socket, `c${i}`)))
    const watch = new LagWatch(conns, { limitBytes: LIMIT, cutMs: CUT_MS }, () => undefined)
    for (let sweep = 0; sweep < SWEEPS_PER_ROUND; sweep++) watch.sweep(sweep * 100)
    // An idle node reads each socket's unsent bytes once a round, not at every sweep.
    expect(sockets.map((s) => s.reads)).toEqual(sockets.map(() => 1))

    // One starts to back up: once its turn finds bytes, it is looked at every sweep, and it is
    // stopped within a round and a sweep of passing the limit, however its turn falls.
    const slow = sockets[37]!
    const slowConn = [...conns][37]!
    slow.buffered = 5 * LIMIT
    let t = SWEEPS_PER_ROUND * 100
    const readsBefore = slow.reads
    while (slowConn.laggingSince === null && t < 10 * SWEEPS_PER_ROUND * 100) watch.sweep((t += 100))
    expect(t - SWEEPS_PER_ROUND * 100).toBeLessThanOrEqual((SWEEPS_PER_ROUND + 1) * 100)
    expect(slow.reads - readsBefore).toBe(2)
    watch.sweep((t += 100))
    watch.sweep((t += 100))
    expect(slow.reads - readsBefore).toBe(4)
    // The others are still read once a round.
    expect(sockets[36]!.reads).toBeLessThanOrEqual(3)
  })

  it('leaves alone a socket that is reading a reply bigger than the limit (a long replay)', () => {
    const { socket, conn, watch } = socketWith()
    for (let t = 0, left = 20 * LIMIT; left > 0; t += 100, left -= LIMIT) {
      socket.buffered = left
      watch.sweep(t)
    }
    expect(conn.laggingSince).toBeNull()
    expect(socket.topics).toHaveLength(2)
  })
})
