import { afterAll, describe, expect, it } from 'vitest'
import type { Page, Room as RoomInfo } from '@roomful/sdk/protocol'
import { cuttableProxy, type CuttableProxy } from '../../../sdk/test/integration/support/proxy.js'
import { startCluster, timeUntil, type Cluster } from '../support/cluster.js'
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.js'
import { servicesAvailable, TEST_MYSQL_URL } from '../support/services.js'
import { WsTestClient } from '../support/ws-client.js'

const available = await servicesAvailable()

/** A GET that never waits long, with how long it took. */
async function timedGet(url: string, headers: Record<string, string> = {}) {
  const started = performance.now()
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) })
    const body = (await res.json()) as unknown
    return { status: res.status, body, ms: performance.now() - started }
  } catch {
    return { status: 0, body: null, ms: performance.now() - started }
  }
}

/** The epoch-ms `time` of the first JSON log line whose `msg` starts with `prefix` and whose
 * fields include `fields`. */
function loggedAt(output: string, prefix: string, fields: Record<string, string>): number | null {
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue
    const entry = JSON.parse(line) as Record<string, unknown>
    if (String(entry.msg).startsWith(prefix) && Object.entries(fields).every(([k, v]) => entry[k] === v))
      return Number(entry.time)
  }
  return null
}

/** The lines of a node's output an operator's log pipeline could not parse as JSON. */
function notJson(output: string): string[] {
  return output.split('\n').filter((line) => {
    if (line.trim() === '') return false
    try {
      return typeof JSON.parse(line) !== 'object'
    } catch {
      return true
    }
  })
}

describe.runIf(available)('degraded, not down', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup()
  })

  it('answers GET /rooms with 200 from MySQL, occupancy marked unknown, and tells a new socket to retry, while Redis is down', async () => {
    const redis: PrivateRedis = await startPrivateRedis()
    cleanups.push(() => redis.close())
    const cluster: Cluster = await startCluster({ nodes: 1, redisUrl: redis.url })
    cleanups.push(() => cluster.close())
    const [node] = cluster.nodes
    const member = await cluster.client(node!.url, 'member')
    const { id: roomId } = await member.rooms.create({ name: 'still listed' })
    await member.room(roomId).join()
    await member.rooms.create({ name: 'empty' })
    const headers = { Authorization: `Bearer ${await cluster.token('probe')}` }
    const list = `${node!.url}/v1/apps/${cluster.app.id}/rooms`

    const up = await timedGet(list, headers)
    expect(up.status).toBe(200)
    expect((up.body as Page<RoomInfo>).items.map((r) => r.occupancy).sort()).toEqual([0, 1])

    const early = await WsTestClient.authed(node!.url, cluster.app.id, await cluster.token('early'))
    await redis.stop()
    const stoppedAt = Date.now()
    const down = [await timedGet(list, headers)]
    await timeUntil(async () => (await timedGet(`${node!.url}/readyz`)).status === 503, 10_000, 20)
    for (let i = 0; i < 5; i++) down.push(await timedGet(list, headers))
    const one = await timedGet(`${list}/${roomId}`, headers)
    console.log(
      `Redis down: GET /rooms answered ${down.map((d) => `${d.status} in ${d.ms.toFixed(0)} ms`).join(', ')}; ` +
        `GET /rooms/{id} ${one.status} in ${one.ms.toFixed(0)} ms (first request ${Date.now() - stoppedAt} ms after the stop)`,
    )
    for (const response of [...down, one]) expect(response.status).toBe(200)
    const page = down.at(-1)!.body as Page<RoomInfo>
    expect(page.items.map((r) => r.name).sort()).toEqual(['empty', 'still listed'])
    for (const room of [...page.items, one.body as RoomInfo])
      expect(room).toMatchObject({ occupancy: 0, occupancyUnknown: true })

    // A new socket cannot be counted toward the user's connections: it is told to retry, as
    // an outage, and the node does not log it as a bug.
    const socket = await WsTestClient.connect(node!.url, cluster.app.id)
    const auth = await socket.request('auth', { token: await cluster.token('newcomer') })
    socket.terminate()
    const join = await early.request('join', { room: roomId })
    early.terminate()
    for (const refused of [auth, join])
      expect(refused.error).toMatchObject({
        code: 'store_unavailable',
        message: 'unable to reach Redis; retry shortly',
      })
    expect(node!.output()).not.toContain('failed unexpectedly')

    // Back, empty: the node re-asserts its member and the list is live again.
    await redis.start()
    await timeUntil(
      async () => {
        const { body } = await timedGet(`${list}/${roomId}`, headers)
        return (body as RoomInfo).occupancy === 1 && !(body as RoomInfo).occupancyUnknown
      },
      10_000,
      50,
    )
    expect(notJson(node!.output()), 'log lines that are not JSON').toEqual([])
  }, 90_000)

  it('turns /readyz non-200 within 100 ms of the prober finding MySQL partitioned, answering from cache', async () => {
    const redis: PrivateRedis = await startPrivateRedis()
    cleanups.push(() => redis.close())
    const mysql = new URL(TEST_MYSQL_URL)
    const proxy: CuttableProxy = await cuttableProxy(`http://${mysql.hostname}:${mysql.port || 3306}`)
    cleanups.push(() => proxy.close())
    const cluster = await startCluster({
      nodes: 1,
      redisUrl: redis.url,
      mysqlUrl: (url) => {
        const through = new URL(url)
        through.host = new URL(proxy.url).host
        return through.toString()
      },
      env: { LOG_LEVEL: 'info' },
    })
    cleanups.push(() => cluster.close())
    const [node] = cluster.nodes
    const readyz = `${node!.url}/readyz`
    expect((await timedGet(readyz)).status).toBe(200)
    // Someone will leave while the database is away: their leave notice must not be lost.
    const leaver = await cluster.client(node!.url, 'leaver')
    const { id: roomId } = await leaver.rooms.create({ name: 'partitioned' })
    await leaver.room(roomId).join()
    const watcher = (await cluster.client(node!.url, 'watcher')).room(roomId)
    const notices: string[] = []
    watcher.on('notice', (m) => notices.push(`${m.user.id} ${m.notice}`))
    await watcher.join()

    proxy.blackhole()
    const partitionedAt = Date.now()
    const answers: { at: number; status: number; ms: number }[] = []
    while (Date.now() - partitionedAt < 15_000) {
      const { status, ms } = await timedGet(readyz)
      answers.push({ at: Date.now(), status, ms })
      if (status !== 200 && answers.filter((a) => a.status !== 200).length >= 20) break
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    const firstDown = answers.find((a) => a.status !== 200)
    const detectedAt = loggedAt(node!.output(), 'store unreachable', { store: 'mysql' })
    const slowest = Math.max(...answers.map((a) => a.ms))
    console.log(
      `MySQL partitioned: prober found it down after ${detectedAt ? detectedAt - partitionedAt : 'never'} ms; ` +
        `/readyz first non-200 ${firstDown ? firstDown.at - partitionedAt : 'never'} ms after the partition` +
        (detectedAt && firstDown ? ` (${firstDown.at - detectedAt} ms after detection)` : '') +
        `; slowest /readyz answer ${slowest.toFixed(1)} ms over ${answers.length} probes`,
    )
    expect(firstDown?.status).toBe(503)
    expect(detectedAt).not.toBeNull()
    expect(firstDown!.at - detectedAt!).toBeLessThanOrEqual(100)
    expect(slowest).toBeLessThan(100)

    // Presence lives in Redis: the leave is shown at once; its notice waits for MySQL.
    await leaver.room(roomId).leave()
    await timeUntil(() => watcher.total === 1, 5_000)
    await timeUntil(
      () => loggedAt(node!.output(), 'unable to store a presence notice', {}) !== null,
      15_000,
      100,
    )

    proxy.restore()
    const restoredAt = Date.now()
    await timeUntil(async () => (await timedGet(readyz)).status === 200, 15_000, 20)
    const ready = Date.now() - restoredAt
    await timeUntil(() => notices.includes('leaver leave'), 15_000)
    const leaves = await cluster.query(
      "SELECT seq FROM messages WHERE app_id = ? AND room_id = ? AND notice = 'leave' AND user_id = 'leaver'",
      [cluster.app.id, roomId],
    )
    console.log(
      `MySQL back: /readyz 200 again ${ready} ms after the partition ended; ` +
        `the leave notice made while it was away stored ${Date.now() - restoredAt} ms after`,
    )
    expect(leaves).toHaveLength(1)
    expect(notJson(node!.output()), 'log lines that are not JSON').toEqual([])
  }, 90_000)
})
