import { afterAll, describe, expect, it } from 'vitest'
import { Redis } from 'ioredis'
import { startCluster, timeUntil, type Cluster } from '../support/cluster.js'
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.js'
import { servicesAvailable } from '../support/services.js'

const available = await servicesAvailable()
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Redis drops every subscriber connection (CLIENT KILL TYPE pubsub) while a member on one node
 * keeps sending to a room shared with another node. Publishes made while the nodes subscribe
 * again reach fewer subscriptions than there are listeners: a node must not take such a count
 * for "no other node listens" and stop publishing the room.
 */
describe.runIf(available)('every subscriber connection dropped mid-stream', () => {
  let redis: PrivateRedis | undefined
  let cluster: Cluster | undefined
  let admin: Redis | undefined
  afterAll(async () => {
    admin?.disconnect()
    await cluster?.close()
    await redis?.close()
  })

  it('the member on the other node ends with every message, once and in order', async () => {
    redis = await startPrivateRedis()
    admin = new Redis(redis.url)
    cluster = await startCluster({ nodes: 2, redisUrl: redis.url })
    const c = cluster
    const [a, b] = c.nodes.map((n) => n.url) as [string, string]
    const owner = await c.client(a, 'owner')
    const { id: roomId } = await owner.rooms.create({ name: 'subscribers dropped' })
    const senders = await Promise.all(
      ['s1', 's2', 's3'].map(async (name) => {
        const room = (await c.client(a, name)).room(roomId)
        await room.join()
        return room
      }),
    )
    const reader = (await c.client(b, 'reader')).room(roomId)
    await reader.join()

    const sent: Array<Promise<{ seq: number }>> = []
    for (let i = 0; i < 45; i++) {
      sent.push(senders[i % senders.length]!.send({ text: `m${i}` }))
      if (i === 15) await admin.client('KILL', 'TYPE', 'pubsub')
      await sleep(20)
    }
    const last = Math.max(...(await Promise.all(sent)).map((m) => m.seq))
    await sleep(500)
    const after = await senders[0]!.send({ text: 'after' })
    const tookMs = await timeUntil(() => reader.messages.some((m) => m.seq === after.seq), 5_000)
    console.log(`subscribers dropped: the reader had the message after ${tookMs} ms`)

    const seqs = reader.messages.map((m) => m.seq)
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i))
    expect(seqs.at(-1)).toBe(after.seq)
    expect(seqs).toContain(last)
    const texts = reader.messages.filter((m) => m.kind === 'text').map((m) => m.text)
    expect(texts.sort()).toEqual([...Array.from({ length: 45 }, (_, i) => `m${i}`), 'after'].sort())
  })
})
