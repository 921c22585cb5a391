import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SUBPROTOCOL } from '@roomful/sdk/protocol'
import { adminClient, TEST_ADMIN_KEY } from '../support/admin-client.js'
import { modesToTest } from '../support/modes.js'
import { createRoom } from '../support/rooms.js'
import { dropRedisPrefix, freshMysqlDatabase, TEST_REDIS_URL, uniquePrefix } from '../support/services.js'
import { startBackend, type BackendProcess } from '../support/start-backend.js'
import { mintUserToken } from '../support/tokens.js'
import { WebhookSink } from '../support/webhook-sink.js'

const modes = await modesToTest()
/** Sends per phase, across all senders; each phase is bounded by PHASE_TIMEOUT_MS too. */
const SENDS = 3_000
const SENDERS = 4
/** Sends each sender keeps in flight. */
const WINDOW = 25
const PHASE_TIMEOUT_MS = 45_000
/** Four phases and the wait for the fast receiver's deliveries, on a busy machine. */
const TEST_TIMEOUT_MS = 4 * PHASE_TIMEOUT_MS + 60_000
const SLOW_RECEIVER_MS = 5_000

/** A bare sender: auth, join its room, then pipelined sends with their ack times. */
class Sender {
  private readonly pending = new Map<string, (ok: boolean) => void>()
  private next = 0

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string; id?: string; error?: unknown }
      if (frame.type !== 'reply' || !frame.id) return
      this.pending.get(frame.id)?.(frame.error === undefined)
      this.pending.delete(frame.id)
    })
  }

  static async open(baseUrl: string, appId: string, token: string, room: string): Promise<Sender> {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/v1/ws?app=${appId}`, SUBPROTOCOL)
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))
    const sender = new Sender(socket)
    for (const [op, fields] of [
      ['auth', { token }],
      ['join', { room }],
    ] as const)
      if (!(await sender.request(op, fields))) throw new Error(`${op} refused`)
    sender.room = room
    return sender
  }

  room = ''

  request(op: string, fields: Record<string, unknown>): Promise<boolean> {
    const id = `r${++this.next}`
    this.socket.send(JSON.stringify({ op, id, ...fields }))
    return new Promise((resolve) => this.pending.set(id, resolve))
  }

  /** `count` sends, `WINDOW` at a time; the ack time of each and how many were refused. */
  async sendMany(count: number, ackMs: number[]): Promise<number> {
    let issued = 0
    let refused = 0
    const lane = async () => {
      while (issued < count) {
        issued += 1
        const started = performance.now()
        const ok = await this.request('send', {
          room: this.room,
          clientId: randomBytes(8).toString('hex'),
          text: 'load',
        })
        ackMs.push(performance.now() - started)
        if (!ok) refused += 1
      }
    }
    await Promise.all(Array.from({ length: WINDOW }, lane))
    return refused
  }

  close(): void {
    this.socket.terminate()
  }
}

interface Phase {
  sendsPerSecond: number
  acked: number
  refused: number
  maxAckMs: number
  /** CPU the backend process used per send during the loop, in µs (Linux; else NaN). */
  cpuPerSendUs: number
  /** The backend's CPU time and the clock when the loop started, to measure what follows it. */
  cpuAtStartMs: number
  startedAt: number
}

/** CPU time (user + system) a process used so far, in ms, from /proc; NaN where there is none.
 * Unlike wall-clock rates it barely moves when other work shares the machine. */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100 // 100 clock ticks per second
  } catch {
    return NaN
  }
}

async function phase(senders: Sender[], total: number, pid: number): Promise<Phase> {
  const ackMs: number[] = []
  const cpuBefore = cpuMs(pid)
  const started = performance.now()
  let timer: NodeJS.Timeout | undefined
  const refusals = await Promise.race([
    Promise.all(senders.map((s) => s.sendMany(total / senders.length, ackMs))),
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the send loop took over ${PHASE_TIMEOUT_MS} ms`)),
        PHASE_TIMEOUT_MS,
      )
    }),
  ]).finally(() => clearTimeout(timer))
  const seconds = (performance.now() - started) / 1000
  return {
    sendsPerSecond: Math.round(ackMs.length / seconds),
    acked: ackMs.length,
    refused: refusals.reduce((a, b) => a + b, 0),
    maxAckMs: Math.round(Math.max(...ackMs)),
    cpuPerSendUs: Math.round(((cpuMs(pid) - cpuBefore) * 1000) / ackMs.length),
    cpuAtStartMs: cpuBefore,
    startedAt: started,
  }
}

describe.each(modes)('message sends while webhooks are delivered (%s)', (mode) => {
  let backend: BackendProcess
  let cleanup = async () => {}
  const receivers: WebhookSink[] = []
  const senders: Sender[] = []
  let appId: string
  let admin: ReturnType<typeof adminClient>

  beforeAll(async () => {
    const env: Record<string, string> = { ADMIN_KEY: TEST_ADMIN_KEY, WEBHOOK_ALLOW_LOOPBACK: 'true' }
    if (mode === 'production') {
      const database = await freshMysqlDatabase()
      const prefix = uniquePrefix('webhook-load')
      Object.assign(env, { MYSQL_URL: database.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix })
      cleanup = async () => {
        await Promise.all([database.drop(), dropRedisPrefix(prefix)])
      }
    }
    // Its own process, so the figures are the backend's, not shared with this test's clients.
    backend = await startBackend({ env })
    admin = adminClient(backend.url)
    appId = `load${randomBytes(3).toString('hex')}`
    const unlimited = { sendsPerSecond: 1_000_000, sendBurst: 1_000_000, framesPerSecond: 1_000_000 }
    const created = await admin<{ secret: string }>('POST', '/apps', { id: appId, limits: unlimited })
    expect(created.status).toBe(201)
    for (let i = 0; i < SENDERS; i++) {
      const token = await mintUserToken(appId, created.body.secret, { sub: `sender${i}` })
      const room = await createRoom(backend.url, appId, token, `load ${i}`)
      senders.push(await Sender.open(backend.url, appId, token, room.id))
    }
  }, 90_000)

  afterAll(async () => {
    for (const sender of senders) sender.close()
    await backend?.stop()
    await Promise.all(receivers.map((r) => r.stop()))
    await cleanup()
  })

  it(
    'acks every send as fast with a slow receiver as with none: deliveries never hold a send',
    async () => {
      await phase(senders, SENDS, backend.child.pid!) // warm-up, not counted
      const none = await phase(senders, SENDS, backend.child.pid!)

      const fast = await WebhookSink.start()
      receivers.push(fast)
      const endpoint = await admin<{ id: string }>('POST', `/apps/${appId}/webhooks/endpoints`, {
        url: fast.url,
        events: ['message.created'],
      })
      expect(endpoint.status).toBe(201)
      const withFast = await phase(senders, SENDS, backend.child.pid!)
      // Every message of the phase reaches the receiver, once each.
      await fast.waitForDistinct(SENDS, 60_000)
      // Deliveries go on after the last ack: their whole cost is counted until the last one.
      const deliveredSeconds = (performance.now() - withFast.startedAt) / 1000
      const cpuPerDeliveredUs = Math.round(
        ((cpuMs(backend.child.pid!) - withFast.cpuAtStartMs) * 1000) / SENDS,
      )
      expect(await fast.stats()).toEqual({ received: SENDS, distinct: SENDS })

      const slow = await WebhookSink.start(SLOW_RECEIVER_MS)
      receivers.push(slow)
      await admin('PATCH', `/apps/${appId}/webhooks/endpoints/${endpoint.body.id}`, { url: slow.url })
      const withSlow = await phase(senders, SENDS, backend.child.pid!)
      const heldAtSlow = (await slow.stats()).received

      const line = (label: string, p: Phase) =>
        `  ${label.padEnd(28)} ${String(p.sendsPerSecond).padStart(6)} sends/s, slowest ack ${p.maxAckMs} ms, ` +
        `backend CPU ${p.cpuPerSendUs} µs per send\n`
      console.log(
        `\nthe ${mode} backend, ${SENDS} WebSocket sends per phase (${SENDERS} senders × ${WINDOW} in flight):\n` +
          line('no endpoint:', none) +
          line('fast receiver:', withFast) +
          `  fast receiver, until the last delivery: ${Math.round(SENDS / deliveredSeconds)} deliveries/s, ` +
          `backend CPU ${cpuPerDeliveredUs} µs per send and its delivery ` +
          `(webhooks' share: ${cpuPerDeliveredUs - none.cpuPerSendUs} µs)\n` +
          line(`slow receiver (${SLOW_RECEIVER_MS / 1000} s/request):`, withSlow) +
          `  (${heldAtSlow} deliveries were held by the slow receiver meanwhile; the fast one got all ${SENDS})\n`,
      )
      for (const result of [none, withFast, withSlow])
        expect(result).toMatchObject({ acked: SENDS, refused: 0 })
      // The slow receiver was really being delivered to during the phase…
      expect(heldAtSlow).toBeGreaterThan(0)
      // …and no send waited for it: any send held by a delivery would take its 5 s.
      expect(withSlow.maxAckMs).toBeLessThan(SLOW_RECEIVER_MS)
    },
    TEST_TIMEOUT_MS,
  )
})
