import { residentBytes } from '../support/processes.js'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_LIMITS, type SendResult } from '@roomful/sdk/protocol'
import { readConfig } from '../../src/config.js'
import { startCluster, type Cluster } from '../support/cluster.js'
import { createRoom } from '../support/rooms.js'
import { servicesAvailable, TEST_REDIS_URL } from '../support/services.js'
import { WsTestClient } from '../support/ws-client.js'

const available = await servicesAvailable()

// The product defaults, spelled out: the shared test environment loosens them for other suites.
const defaults = readConfig({})
const LIMITS_ENV = {
  TRUSTED_PROXIES: '127.0.0.1',
  AUTH_RATE_PER_ADDRESS: String(defaults.authRatePerAddress),
  AUTH_RATE_PER_ACCOUNT: String(defaults.authRatePerAccount),
  AUTH_RATE_WINDOW_MS: String(defaults.authRateWindowMs),
  HASH_CONCURRENCY: String(defaults.hashConcurrency),
  HASH_QUEUE_DEPTH: String(defaults.hashQueueDepth),
  HASH_PER_ADDRESS: String(defaults.hashPerAddress),
}
const FLOOD = 200

const rssMb = (pid: number) => residentBytes(pid) / (1024 * 1024)

describe.runIf(available)('account endpoints and sends under a flood (production, two nodes)', () => {
  let cluster: Cluster

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 2, redisUrl: TEST_REDIS_URL, env: LIMITS_ENV })
  })
  afterAll(async () => cluster?.close())

  // Requests come from 127.0.0.1, a trusted proxy here, so X-Forwarded-For names the client.
  const post = (url: string, path: string, from: string, body: unknown) =>
    fetch(`${url}/v1/apps/${cluster.app.id}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': from },
      body: JSON.stringify(body),
    })

  it('refuses a signup flood from one address with 429s, while a login from elsewhere stays quick and memory bounded', async () => {
    const [node] = cluster.nodes
    const legit = { email: 'legit@example.com', password: 'correct horse battery' }
    expect(
      (await post(node!.url, '/auth/signup', '203.0.113.6', { ...legit, displayName: 'Legit' })).status,
    ).toBe(201)
    const timedLogin = async () => {
      const started = performance.now()
      const res = await post(node!.url, '/auth/login', '203.0.113.5', legit)
      return { status: res.status, ms: performance.now() - started }
    }
    const idle = await timedLogin()
    expect(idle.status).toBe(200)
    const pid = node!.child.pid!
    const idleRss = rssMb(pid)

    let peakRss = idleRss
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(pid))), 10)
    const floodStarted = performance.now()
    const flood = Array.from({ length: FLOOD }, (_, i) =>
      post(node!.url, '/auth/signup', '198.51.100.1', {
        email: `flood${i}@example.com`,
        password: 'flood password',
        displayName: `Flood ${i}`,
      }),
    )
    const during = await timedLogin()
    const answers = await Promise.all(flood)
    const floodMs = performance.now() - floodStarted
    clearInterval(sampler)
    peakRss = Math.max(peakRss, rssMb(pid))

    const count = (status: number) => answers.filter((r) => r.status === status).length
    const counts = { 201: count(201), 429: count(429), 503: count(503) }
    console.log(
      `signup flood of ${FLOOD} from one address in ${floodMs.toFixed(0)} ms: ${JSON.stringify(counts)}; ` +
        `login from another address: ${idle.ms.toFixed(0)} ms idle, ${during.ms.toFixed(0)} ms during the flood; ` +
        `RSS ${idleRss.toFixed(0)} MB idle, ${peakRss.toFixed(0)} MB peak`,
    )

    expect(counts[201] + counts[429] + counts[503]).toBe(FLOOD)
    expect(counts[201]).toBeGreaterThanOrEqual(1)
    expect(counts[201] + counts[503]).toBeLessThanOrEqual(defaults.authRatePerAddress)
    expect(counts[429]).toBe(FLOOD - defaults.authRatePerAddress)
    const refused = answers.find((r) => r.status === 429)!
    expect(await refused.json()).toMatchObject({ error: { code: 'rate_limited' } })
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(refused.headers.get('ratelimit-limit')).toBe(String(defaults.authRatePerAddress))
    expect(refused.headers.get('ratelimit-remaining')).toBe('0')
    expect(Number(refused.headers.get('ratelimit-reset'))).toBeGreaterThan(0)
    const busy = answers.find((r) => r.status === 503)
    if (busy) expect(await busy.json()).toMatchObject({ error: { code: 'server_busy' } })

    expect(during.status).toBe(200)
    // 1 s, or a few idle logins where the shared machine makes one hash slower than that.
    expect(during.ms).toBeLessThan(Math.max(1_000, 4 * idle.ms))
    expect(peakRss - idleRss).toBeLessThan(150)
  })

  it("bounds a user's sends summed over both nodes", async () => {
    const [a, b] = cluster.nodes as [
      NonNullable<(typeof cluster.nodes)[0]>,
      NonNullable<(typeof cluster.nodes)[0]>,
    ]
    const token = await cluster.token('chatty')
    const room = await createRoom(a.url, cluster.app.id, token, 'flooded room')
    const sockets = await Promise.all(
      [a, b].map((node) => WsTestClient.authed(node.url, cluster.app.id, token)),
    )
    for (const socket of sockets)
      expect((await socket.request('join', { room: room.id })).error).toBeUndefined()

    const perNode = DEFAULT_LIMITS.sendBurst + 5
    const started = performance.now()
    const replies = await Promise.all(
      sockets.flatMap((socket, s) =>
        Array.from({ length: perNode }, (_, i) =>
          socket.request<SendResult>('send', { room: room.id, clientId: `n${s}-${i}`, text: `message ${i}` }),
        ),
      ),
    )
    const elapsedMs = performance.now() - started
    for (const socket of sockets) socket.socket.close()
    const accepted = replies.filter((r) => !r.error).length
    const limited = replies.filter((r) => r.error?.code === 'rate_limited').length
    console.log(
      `sends by one user, ${perNode} on each of two nodes in ${elapsedMs.toFixed(0)} ms: ${accepted} accepted, ${limited} rate_limited ` +
        `(each node's bucket alone would accept ${2 * DEFAULT_LIMITS.sendBurst})`,
    )
    expect(accepted + limited).toBe(replies.length)
    const allowance = Math.max(DEFAULT_LIMITS.sendBurst, DEFAULT_LIMITS.sendsPerSecond)
    // The cluster counts in one-second windows: a burst that straddles one may use two.
    const windows = elapsedMs < 1_000 ? 2 : Math.ceil(elapsedMs / 1_000) + 1
    expect(accepted).toBeGreaterThanOrEqual(allowance)
    expect(accepted).toBeLessThanOrEqual(Math.min(2 * DEFAULT_LIMITS.sendBurst - 1, windows * allowance))
  })

  it('asks Redis to count a user’s sends only while their sockets span both nodes', async () => {
    const [a, b] = cluster.nodes as [
      NonNullable<(typeof cluster.nodes)[0]>,
      NonNullable<(typeof cluster.nodes)[0]>,
    ]
    const redis = new Redis(TEST_REDIS_URL)
    const counter = `${cluster.env.REDIS_PREFIX}rl:send:${cluster.app.id}:roaming`
    const token = await cluster.token('roaming')
    const room = await createRoom(a.url, cluster.app.id, token, 'roaming room')
    const send = async (socket: WsTestClient, clientId: string) => {
      const reply = await socket.request<SendResult>('send', { room: room.id, clientId, text: clientId })
      expect(reply.error).toBeUndefined()
    }
    try {
      const first = await WsTestClient.authed(a.url, cluster.app.id, token)
      expect((await first.request('join', { room: room.id })).error).toBeUndefined()
      for (let i = 0; i < 3; i++) await send(first, `alone-${i}`)
      expect(await redis.exists(counter)).toBe(0)

      // A second socket on the other node: the first node hears of it on the bus.
      const second = await WsTestClient.authed(b.url, cluster.app.id, token)
      expect((await second.request('join', { room: room.id })).error).toBeUndefined()
      await send(first, 'spread-0')
      expect(Number(await redis.get(counter))).toBeGreaterThanOrEqual(1)
      await send(second, 'spread-1')
      first.socket.close()
      second.socket.close()
    } finally {
      redis.disconnect()
    }
  })
})
