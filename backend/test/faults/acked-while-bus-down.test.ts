import { afterAll, describe, expect, it } from 'vitest'
import type { Message } from '@roomful/sdk/protocol'
import { startCluster, timeUntil, type Cluster } from '../support/cluster.js'
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.js'
import { servicesAvailable } from '../support/services.js'

const available = await servicesAvailable()
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe.runIf(available)('one message acked while Redis is down, then silence', () => {
  let redis: PrivateRedis | undefined
  let cluster: Cluster | undefined
  afterAll(async () => {
    await cluster?.close()
    await redis?.close()
  })

  it('reaches members on the sender’s node at once, and every member within 2 s of Redis answering', async () => {
    redis = await startPrivateRedis()
    cluster = await startCluster({ nodes: 2, redisUrl: redis.url })
    const c = cluster
    const [a, b] = c.nodes.map((n) => n.url) as [string, string]
    const owner = await c.client(a, 'owner')
    const { id: roomId } = await owner.rooms.create({ name: 'quiet after' })
    const members = [
      { name: 'sender', url: a },
      { name: 'same-node', url: a },
      { name: 'other-node', url: b },
      { name: 'other-node-2', url: b },
    ]
    const seen = new Map<string, { message: Message; at: number }[]>()
    const rooms = await Promise.all(
      members.map(async ({ name, url }) => {
        const room = (await c.client(url, name)).room(roomId)
        seen.set(name, [])
        room.on('message', (message) => {
          if (message.kind === 'text') seen.get(name)!.push({ message, at: Date.now() })
        })
        await room.join()
        return room
      }),
    )
    const sender = rooms[0]!
    await sender.send({ text: 'before' })
    await timeUntil(() => [...seen.values()].every((list) => list.length === 1), 5_000)

    await redis.stop()
    const acked = await sender.send({ text: 'acked while Redis is down' })
    const ackedAt = Date.now()
    const has = (name: string) => seen.get(name)!.find((s) => s.message.seq === acked.seq)
    await timeUntil(() => has('same-node') !== undefined, 2_000)
    const sameNodeMs = has('same-node')!.at - ackedAt
    await sleep(3_000)
    expect(has('other-node')).toBeUndefined() // no bus, no other way there yet: nothing faked

    await redis.start()
    const answeredAt = Date.now()
    await timeUntil(() => members.every(({ name }) => has(name) !== undefined), 10_000)
    const lastMs = Math.max(...members.map(({ name }) => has(name)!.at)) - answeredAt
    console.log(
      `acked while Redis was down: same node after ${sameNodeMs} ms; every member ${lastMs} ms after Redis answered`,
    )
    expect(lastMs).toBeLessThanOrEqual(2_000)
    // Each member has both messages once, in order.
    for (const { name } of members)
      expect(seen.get(name)!.map((s) => s.message.text)).toEqual(['before', 'acked while Redis is down'])
  })
})
