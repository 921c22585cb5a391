import { randomBytes } from 'node:crypto'
import type { Socket } from 'node:net'
import { Worker } from 'node:worker_threads'
import { createClient, type Client, type Message, type StateChange } from '@roomful/sdk'
import { CLOSE, SUBPROTOCOL } from '@roomful/sdk/protocol'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { TEST_ADMIN_KEY } from '../../../backend/test/support/admin-client.js'
import { startBackend, type BackendProcess } from '../../../backend/test/support/start-backend.js'
import { mintUserToken } from '../../../backend/test/support/tokens.js'

// A reader whose TCP socket stops reading while another user floods its room, against the real
// backend in its own process (HyperExpress + uWS on loopback, embedded drivers: production
// mode's commit path would make 20,000 sends too slow for this 2-core box). Its own process, so
// the clients' work in this one does not stall the server's event loop and skew the latencies. The server must tell the reader (4103, or a
// cut when it cannot take even that) instead of dropping its frames silently; the SDK resumes,
// and the reader ends up with every message once, in order. A bystander on the same node, in
// another room, keeps its send latency meanwhile.

const FLOOD = 20_000
/** Frames of about 1.2 KB, so the flood outgrows what the kernel's socket buffers absorb. */
const TEXT = 'x'.repeat(1_000)
/** Sends the flooding user keeps in flight ("as fast as acks allow"). */
const WINDOW = 32
const BYSTANDER_EVERY_MS = 50
/**
 * The spec's promise: a flood from one client never delays another's request by more than a
 * second. Quiet runs print a p99 of 9-45 ms; this 2-core box, shared with other suites, has
 * shown 140-330 ms, and once more than 250 ms while browser suites ran beside it. The printed
 * numbers are what to look at; the bound is the promise.
 */
const P99_BOUND_MS = 1000

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN

/** Resolves once `predicate` holds, polling; rejects after `ms` with `what`. */
async function until(predicate: () => boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = performance.now() + ms
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

/** A bare socket that sends `count` messages to `room` with `WINDOW` in flight; resolves with
 * the seq of the last one stored. Raw frames, so the SDK's one-at-a-time outbox is not the limit. */
async function flood(
  server: Server,
  token: string,
  room: string,
  count: number,
  onSent: (n: number) => void,
) {
  const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/v1/ws?app=${server.appId}`, SUBPROTOCOL)
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
  const waiting = new Map<string, (reply: { result?: { message?: Message }; error?: unknown }) => void>()
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as { type: string; id?: string }
    if (frame.type === 'reply' && frame.id) waiting.get(frame.id)?.(frame as never)
  })
  let next = 0
  const request = (op: string, body: object) =>
    new Promise<{ result?: { message?: Message }; error?: unknown }>((resolve) => {
      const id = `f${++next}`
      waiting.set(id, (reply) => (waiting.delete(id), resolve(reply)))
      ws.send(JSON.stringify({ op, id, ...body }))
    })
  for (const [op, body] of [
    ['auth', { token }],
    ['join', { room }],
  ] as const) {
    const reply = await request(op, body)
    if (reply.error) throw new Error(`flood ${op} refused: ${JSON.stringify(reply.error)}`)
  }
  let sent = 0
  let last = 0
  const worker = async () => {
    while (sent < count) {
      const n = ++sent
      const reply = await request('send', { room, clientId: `flood-${n}`, text: TEXT })
      if (reply.error) throw new Error(`flood send ${n} refused: ${JSON.stringify(reply.error)}`)
      last = Math.max(last, reply.result!.message!.seq)
      onSent(n)
    }
  }
  await Promise.all(Array.from({ length: WINDOW }, worker))
  ws.close()
  return last
}

interface Server {
  url: string
  appId: string
  token(sub: string): Promise<string>
}

describe('a reader that stops reading while its room is flooded (embedded mode)', () => {
  let node: BackendProcess
  let server: Server
  const clients: Client[] = []

  beforeAll(async () => {
    node = await startBackend({
      env: { ADMIN_KEY: TEST_ADMIN_KEY, WS_LAG_LIMIT_BYTES: String(1024 * 1024), WS_LAG_CUT_MS: '3000' },
    })
    const appId = `lag${randomBytes(4).toString('hex')}`
    const res = await fetch(`${node.url}/v1/admin/apps`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TEST_ADMIN_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        id: appId,
        // One user sends 20,000 messages as fast as acks allow: every send limit out of the way.
        limits: {
          sendsPerSecond: 100_000,
          sendBurst: 100_000,
          framesPerSecond: 100_000,
          presenceGraceMs: 30_000,
        },
      }),
    })
    expect(res.status).toBe(201)
    const { secret } = (await res.json()) as { secret: string }
    server = { url: node.url, appId, token: (sub) => mintUserToken(appId, secret, { sub }) }
  }, 30_000)
  afterAll(async () => {
    await node?.stop()
  })
  afterEach(() => {
    for (const client of clients.splice(0)) client.close()
  })

  /** An SDK client whose sockets are kept, so a test can pause the TCP socket under one. */
  const connect = async (sub: string) => {
    const sockets: WebSocket[] = []
    const Tracked = class extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols)
        sockets.push(this)
      }
    }
    const client = createClient({
      url: server.url,
      appId: server.appId,
      token: await server.token(sub),
      WebSocket: Tracked,
      backoff: { min: 20, max: 200 },
      pingInterval: 0,
      // The whole flood may be missing at once: refill it from history rather than reset.
      maxRefill: FLOOD * 2,
    })
    clients.push(client)
    const tcp = () => (sockets.at(-1) as unknown as { _socket: Socket })._socket
    return { client, tcp, sockets }
  }

  /**
   * Floods a fresh room; from its 500th message the reader's TCP socket reads nothing for
   * `pauseMs` (and, with `throughFlood`, until the flood ends), then reads again. Checks the
   * reader's log and the bystander's latency, and prints the numbers.
   */
  const run = async (label: string, pauseMs: number | null, throughFlood = false) => {
    const writer = await connect(`writer-${label}`)
    const reader = await connect(`reader-${label}`)
    const busy = await writer.client.rooms.create({ name: `busy ${randomBytes(3).toString('hex')}` })
    const calm = await writer.client.rooms.create({ name: `calm ${randomBytes(3).toString('hex')}` })

    const readerRoom = reader.client.room(busy.id)
    const seen: number[] = []
    readerRoom.on('message', (m) => seen.push(m.seq))
    const states: StateChange[] = []
    reader.client.on('state', (change) => states.push(change))
    const page = await readerRoom.join()
    seen.unshift(...page.messages.map((m) => m.seq))
    // The bystander sends one message every 50 ms, on its own thread, for as long as the flood
    // and the resume last.
    const bystanderThread = new Worker(new URL('./support/bystander-worker.mjs', import.meta.url), {
      workerData: {
        url: server.url,
        appId: server.appId,
        token: await server.token(`bystander-${label}`),
        roomId: calm.id,
        everyMs: BYSTANDER_EVERY_MS,
      },
    })
    const reply = (what: string) =>
      new Promise<{ latencies?: number[] }>((resolve, reject) => {
        bystanderThread.once('message', resolve)
        bystanderThread.once('error', reject)
        bystanderThread.once('exit', (code) =>
          reject(new Error(`the bystander exited (${code}) before ${what}`)),
        )
      })
    await reply('it was ready')

    let pausedAt = 0
    const pause = () => {
      pausedAt = performance.now()
      reader.tcp().pause()
    }
    const floodStarted = performance.now()
    const floodDone = flood(server, await server.token(`writer-${label}`), busy.id, FLOOD, (n) => {
      if (n === 500 && !pausedAt && pauseMs !== null) pause()
    })
    if (pauseMs !== null) {
      await until(() => pausedAt > 0, 'the pause')
      await sleep(pauseMs)
      if (throughFlood) await floodDone
      reader.tcp().resume()
    }
    const pausedFor = pausedAt ? performance.now() - pausedAt : 0
    const lastFlooded = await floodDone
    const floodMs = performance.now() - floodStarted

    // Every message the flood stored, once and in order: through replay, refill and live frames.
    await until(
      () => readerRoom.messages.at(-1)?.seq === lastFlooded,
      `the reader to reach seq ${lastFlooded}`,
    )
    const resumedMs = performance.now() - floodStarted
    const finished = reply('it reported')
    bystanderThread.postMessage('stop')
    const latencies = (await finished).latencies!
    await bystanderThread.terminate()

    const sorted = [...latencies].sort((a, b) => a - b)
    const p50 = percentile(sorted, 50)
    const p99 = percentile(sorted, 99)
    const closes = states.filter((s) => s.current === 'reconnecting').map((s) => s.reason.code)
    console.log(
      `[slow reader, ${label}] flood ${FLOOD} msgs (seq ${lastFlooded}) in ${floodMs.toFixed(0)} ms ` +
        `(${((FLOOD / floodMs) * 1000).toFixed(0)}/s); reader paused ${pausedFor.toFixed(0)} ms, ` +
        `closed with ${closes.join(',')}, complete at ${resumedMs.toFixed(0)} ms; bystander ` +
        `${latencies.length} sends, send→ack p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ` +
        `max ${sorted.at(-1)!.toFixed(1)} ms`,
    )

    const upTo = seen.filter((seq) => seq <= lastFlooded)
    expect(upTo).toEqual(range(1, lastFlooded))
    expect(new Set(seen).size).toBe(seen.length)
    expect(readerRoom.messages.map((m) => m.seq).filter((seq) => seq <= lastFlooded)).toEqual(
      range(1, lastFlooded),
    )
    expect(readerRoom.messages.filter((m) => m.kind === 'text').length).toBe(FLOOD)
    expect(p99).toBeLessThanOrEqual(P99_BOUND_MS)
    return closes
  }

  it('leaves a reader that keeps up with the same flood alone (and times the bystander for comparison)', async () => {
    const closes = await run('no stall, control', null)
    expect(closes).toEqual([])
  }, 90_000)

  it('tells a reader that reads again after a short stall with 4103; it resumes with every message', async () => {
    const closes = await run('short stall', 2_000)
    expect(closes).toEqual([CLOSE.lagging])
  }, 90_000)

  it('cuts a reader that reads nothing for the whole flood; it still ends with every message', async () => {
    // Longer than WS_LAG_CUT_MS (3 s), and through the rest of the flood.
    const closes = await run('whole flood', 5_000, true)
    // Cut without a close frame (it was not reading); the SDK notices when it reads again.
    expect(closes).toEqual([CLOSE.abnormal])
  }, 90_000)
})
