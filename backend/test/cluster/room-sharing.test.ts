import { afterAll, describe, expect, it } from 'vitest'
import { Redis } from 'ioredis'
import { startCluster, timeUntil, type Cluster } from '../support/cluster.js'
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.js'
import { servicesAvailable } from '../support/services.js'

const available = await servicesAvailable()
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * A room whose members are all on one node skips the bus for its messages; a member who then
 * joins on another node must still get every message, those sent while it joins included.
 * A Redis of the test's own counts the publishes.
 */
describe.runIf(available)('a room shared by one node, then two', () => {
  let redis: PrivateRedis | undefined
  let cluster: Cluster | undefined
  let stats: Redis | undefined
  afterAll(async () => {
    stats?.disconnect()
    await cluster?.close()
    await redis?.close()
  })

  it('sends nothing over Redis while one node has the members, and loses nothing when a second joins', async () => {
    redis = await startPrivateRedis()
    stats = new Redis(redis.url)
    cluster = await startCluster({ nodes: 2, redisUrl: redis.url })
    const publishes = async () =>
      Number(/cmdstat_publish:calls=(\d+)/.exec(await stats!.info('commandstats'))?.[1] ?? 0)
    const c = cluster
    const [a, b] = c.nodes.map((n) => n.url) as [string, string]
    const owner = await c.client(a, 'owner')
    const { id: roomId } = await owner.rooms.create({ name: 'one node, then two' })
    const sender = (await c.client(a, 'sender')).room(roomId)
    const neighbour = (await c.client(a, 'neighbour')).room(roomId)
    await sender.join()
    await neighbour.join()
    const texts = () => neighbour.messages.filter((m) => m.kind === 'text').length
    await sender.send({ text: 'first' }) // its publish finds no other node listening
    await timeUntil(() => texts() === 1, 5_000)
    await sleep(200)

    const before = await publishes()
    for (let i = 0; i < 5; i++) await sender.send({ text: `alone ${i}` })
    await timeUntil(() => texts() === 6, 5_000)
    const whileAlone = (await publishes()) - before

    // A member joins on the other node while members of the first keep sending (four of them,
    // each well within its send allowance).
    const others = await Promise.all(
      ['second', 'third', 'fourth'].map(async (name) => {
        const room = (await c.client(a, name)).room(roomId)
        await room.join()
        return room
      }),
    )
    const senders = [sender, ...others]
    await sleep(200) // the join notices' publishes, if any, are counted before this point
    const sends: Array<Promise<unknown>> = []
    const sending = (async () => {
      for (let i = 0; i < 40; i++) {
        sends.push(senders[i % senders.length]!.send({ text: `around the join ${i}` }))
        await sleep(5)
      }
    })()
    await sleep(60)
    const newcomer = (await c.client(b, 'newcomer')).room(roomId)
    await newcomer.join()
    await sending
    const last = Math.max(...((await Promise.all(sends)) as Array<{ seq: number }>).map((m) => m.seq))
    const after = await sender.send({ text: 'after the join' })
    await timeUntil(() => newcomer.messages.some((m) => m.seq === after.seq), 5_000)

    expect(whileAlone).toBe(0)
    // The newcomer's log: every seq once, in order, from its join page to the last message.
    const seqs = newcomer.messages.map((m) => m.seq)
    expect(seqs.at(-1)).toBe(after.seq)
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i))
    expect(seqs[0]).toBeLessThanOrEqual(last - 20)
    // And the sender's node publishes again now that the room is shared.
    const shared = await publishes()
    await sender.send({ text: 'shared' })
    await timeUntil(async () => (await publishes()) > shared, 5_000)
  })
})
