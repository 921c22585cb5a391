import { afterAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createClient, type Client, type Room } from '@roomful/sdk'
import { cuttableProxy, type CuttableProxy } from '../../../sdk/test/integration/support/proxy.js'
import { startCluster, timeUntil, type Cluster } from '../support/cluster.js'
import { startBackend } from '../support/start-backend.js'
import { servicesAvailable, TEST_MYSQL_URL, TEST_REDIS_URL } from '../support/services.js'

const available = await servicesAvailable()
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * MySQL partitioned away for long enough that reconnecting clients would have backed off far,
 * while their sockets are dropped (as a balancer restart would): once MySQL is back, they must
 * be back within 2 s, however long the outage was.
 */
describe.runIf(available)('SDK clients after a long outage', () => {
  const cleanups: Array<() => Promise<unknown>> = []
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined)
  })

  it('are connected and in their rooms within 2 s of MySQL returning', async () => {
    const mysql = new URL(TEST_MYSQL_URL)
    const database: CuttableProxy = await cuttableProxy(`http://${mysql.hostname}:${mysql.port || 3306}`)
    cleanups.push(() => database.close())
    const cluster: Cluster = await startCluster({
      nodes: 1,
      redisUrl: TEST_REDIS_URL,
      mysqlUrl: (url) => Object.assign(new URL(url), { host: new URL(database.url).host }).toString(),
    })
    cleanups.push(() => cluster.close())
    const network: CuttableProxy = await cuttableProxy(cluster.nodes[0]!.url)
    cleanups.push(() => network.close())
    const owner = await cluster.client(cluster.nodes[0]!.url, 'owner')
    const { id: roomId } = await owner.rooms.create({ name: 'outage' })

    const members: { client: Client; room: Room }[] = []
    for (let i = 0; i < 5; i++) {
      const token = await cluster.token(`m${i}`)
      const client = createClient({ url: network.url, appId: cluster.app.id, token, WebSocket })
      cleanups.push(async () => client.close())
      const room = client.room(roomId)
      await room.join()
      members.push({ client, room })
    }

    database.blackhole()
    network.drop()
    network.restore()
    // Long enough for a growing backoff to reach its ceiling several times over.
    await sleep(40_000)
    database.restore()
    const restoredAt = Date.now()
    await timeUntil(() => members.every((m) => m.room.status === 'joined'), 30_000, 20)
    const backMs = Date.now() - restoredAt
    const sent = await members[0]!.room.send({ text: 'back' })
    console.log(`after a 40 s MySQL outage: every client joined again ${backMs} ms after MySQL returned`)
    expect(sent.text).toBe('back')
    expect(backMs).toBeLessThanOrEqual(2_000)
  }, 120_000)

  it('are connected and in their rooms within 2 s of their node returning after 30 s down', async () => {
    const cluster: Cluster = await startCluster({ nodes: 1, redisUrl: TEST_REDIS_URL })
    cleanups.push(() => cluster.close())
    const node = cluster.nodes[0]!
    const owner = await cluster.client(node.url, 'owner')
    const { id: roomId } = await owner.rooms.create({ name: 'node outage' })
    const rooms: Room[] = []
    for (let i = 0; i < 5; i++) {
      const room = (await cluster.client(node.url, `n${i}`)).room(roomId)
      await room.join()
      rooms.push(room)
    }
    await node.kill()
    await sleep(30_000)
    const back = await startBackend({ port: node.port, env: { ...cluster.env, NODE_ID: 'node-0' } })
    cleanups.push(() => back.stop())
    const answeredAt = Date.now()
    await timeUntil(() => rooms.every((room) => room.status === 'joined'), 30_000, 20)
    const backMs = Date.now() - answeredAt
    console.log(`after 30 s with the node down: every client joined again ${backMs} ms after it answered`)
    expect(backMs).toBeLessThanOrEqual(2_000)
    expect((await rooms[0]!.send({ text: 'back' })).text).toBe('back')
  }, 120_000)
})
