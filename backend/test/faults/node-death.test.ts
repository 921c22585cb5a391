import { afterAll, describe, expect, it } from 'vitest'
import type { Room } from '@roomful/sdk'
import type { RankingBoard, Room as RoomInfo } from '@roomful/sdk/protocol'
import { memberIds, startCluster, timeUntil, type Cluster } from '../support/cluster.js'
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.js'
import { servicesAvailable } from '../support/services.js'

const available = await servicesAvailable()

describe.runIf(available)('kill -9 of one of three nodes', () => {
  let redis: PrivateRedis | undefined
  let cluster: Cluster | undefined
  afterAll(async () => {
    await cluster?.close()
    await redis?.close()
  })

  it('takes its users out of presence, occupancy and the ranking within 10 s, with the default settings', async () => {
    redis = await startPrivateRedis()
    cluster = await startCluster({ nodes: 3, redisUrl: redis.url })
    const c = cluster
    const [a, b, dying] = c.nodes as [(typeof c.nodes)[0], (typeof c.nodes)[0], (typeof c.nodes)[0]]
    const owner = await c.client(a.url, 'owner')
    const { id: roomId } = await owner.rooms.create({ name: 'crash site' })
    owner.close()

    // Three users on each node; the dying node's clients can only reach that node, so they
    // stay away once it is gone.
    const rooms: Room[] = []
    for (const [i, node] of c.nodes.entries())
      for (const n of [0, 1, 2]) {
        const client = await c.client(node.url, `n${i}-u${n}`, { backoff: { min: 200, max: 1_000 } })
        const room = client.room(roomId)
        await room.join()
        rooms.push(room)
      }
    let board: RankingBoard | null = null
    ;(await c.client(b.url, 'ranking-watcher')).ranking.subscribe((latest) => (board = latest))
    const watcher = rooms[0]!
    const ranked = () => (board as RankingBoard | null)?.entries.find((e) => e.roomId === roomId)?.occupancy
    const occupancy = async () => (await c.get<RoomInfo>(a.url, `/rooms/${roomId}`)).body.occupancy
    await timeUntil(async () => watcher.total === 9 && ranked() === 9 && (await occupancy()) === 9, 15_000)

    const killedAt = Date.now()
    await dying.kill()
    const [presence, rest, ranking] = await Promise.all([
      timeUntil(() => watcher.total === 6 && !memberIds(watcher).some((id) => id.startsWith('n2-')), 30_000),
      timeUntil(async () => (await occupancy()) === 6, 30_000, 100),
      timeUntil(() => ranked() === 6, 30_000),
    ])
    console.log(
      `kill -9 → its users left: presence pushed after ${presence} ms, REST occupancy after ${rest} ms, ` +
        `ranking pushed after ${ranking} ms (defaults: NODE_TTL_MS and heartbeat as shipped)`,
    )
    for (const elapsed of [presence, rest, ranking]) expect(elapsed).toBeLessThan(10_000)
    // Every survivor, on either node, now sees exactly the six who are left.
    const left = rooms.slice(0, 6).map((r) => memberIds(r))
    await timeUntil(() => rooms.slice(0, 6).every((r) => String(memberIds(r)) === String(left[0])), 2_000)
    expect(left[0]).toEqual([0, 1].flatMap((i) => [0, 1, 2].map((n) => `n${i}-u${n}`)).sort())
    expect(Date.now() - killedAt).toBeLessThan(12_000)
  }, 120_000)
})
