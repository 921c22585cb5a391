import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { channels } from '../../src/bus/bus.js'
import { RedisBus } from '../../src/bus/bus.redis.js'
import { servicesAvailable, TEST_REDIS_URL, uniquePrefix } from '../support/services.js'
import { contract, sleep, waitFor } from './harness.js'

contract('Bus', (h, kind) => {
  it('says how many nodes a publish reached: a node once, whatever its handlers', async () => {
    const channel = channels.room(`a${randomBytes(4).toString('hex')}`, 'r1')
    const offFirst = await h().node.bus.subscribe(channel, () => undefined)
    const offSecond = await h().node.bus.subscribe(channel, () => undefined)
    expect(await h().node.bus.publish(channel, 'this node')).toBe(1)
    if (kind === 'production') {
      const other = await h().secondNode()
      const offOther = await other.bus.subscribe(channel, () => undefined)
      expect(await h().node.bus.publish(channel, 'two nodes')).toBe(2)
      await offOther()
    }
    await offFirst()
    await offSecond()
    expect(await h().node.bus.publish(channel, 'nobody')).toBe(0)
  })

  it('delivers a publish from one node to subscribers on another', async () => {
    const other = await h().secondNode()
    const channel = channels.room(`a${randomBytes(4).toString('hex')}`, 'r1')
    const got: string[] = []
    const unsubscribe = await other.bus.subscribe(channel, (p) => got.push(p))
    await h().node.bus.publish(channel, '{"n":1}')
    await h().node.bus.publish(channel, '{"n":2}')
    await waitFor(() => got.length === 2)
    expect(got).toEqual(['{"n":1}', '{"n":2}'])
    await unsubscribe()
  })

  it('stops delivering after unsubscribe, per handler, and keeps channels apart', async () => {
    const app = `a${randomBytes(4).toString('hex')}`
    const bus = h().node.bus
    const first: string[] = []
    const second: string[] = []
    const elsewhere: string[] = []
    const offFirst = await bus.subscribe(channels.room(app, 'r1'), (p) => first.push(p))
    const offSecond = await bus.subscribe(channels.room(app, 'r1'), (p) => second.push(p))
    const offElsewhere = await bus.subscribe(channels.room(app, 'r2'), (p) => elsewhere.push(p))

    await bus.publish(channels.room(app, 'r1'), 'one')
    await waitFor(() => first.length === 1 && second.length === 1)
    await offFirst()
    await offFirst() // twice is harmless and must not drop the other handler's subscription
    await bus.publish(channels.room(app, 'r1'), 'two')
    await waitFor(() => second.length === 2)
    await offSecond()
    await bus.publish(channels.room(app, 'r1'), 'three')
    await bus.publish(channels.room(app, 'r2'), 'marker')
    // The marker on another channel, published after, arriving proves 'three' had its chance.
    await waitFor(() => elsewhere.length === 1)
    await sleep(50)
    expect(first).toEqual(['one'])
    expect(second).toEqual(['one', 'two'])
    expect(elsewhere).toEqual(['marker'])
    await offElsewhere()
  })

  it('resubscribes cleanly after the last handler left', async () => {
    const channel = channels.lobby(`a${randomBytes(4).toString('hex')}`)
    const bus = h().node.bus
    const off = await bus.subscribe(channel, () => {})
    await off()
    const got: string[] = []
    const offAgain = await bus.subscribe(channel, (p) => got.push(p))
    await bus.publish(channel, 'back')
    await waitFor(() => got.length === 1)
    await offAgain()
  })
})

// ioredis can lose a SUBSCRIBE written during its connection handshake (redis/ioredis#2037): a
// node subscribing at start-up, as the sanctions cache does, would then never hear the channel.
// Production only (the in-process bus has no connection), so outside the two-driver contract.
describe.runIf(await servicesAvailable())(
  'RedisBus subscribing while its connection is still being made',
  () => {
    it('hears what is published once subscribe has resolved, whenever in the handshake it was called', async () => {
      const prefix = uniquePrefix('bus-handshake')
      const sender = new Redis(TEST_REDIS_URL)
      const missed: number[] = []
      try {
        for (let attempt = 0; attempt < 48; attempt++) {
          const subscriber = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null })
          subscriber.on('error', () => {})
          const publisher = new Redis(TEST_REDIS_URL, { lazyConnect: true })
          const bus = new RedisBus(publisher, subscriber, { prefix, onError: () => {} })
          // Spread over the first milliseconds of the connection, where the handshake runs.
          await sleep(attempt % 6)
          const got: string[] = []
          await bus.subscribe('startup', (p) => got.push(p))
          await sender.publish(`${prefix}startup`, `hello ${attempt}`)
          await waitFor(() => got.length > 0, 500).catch(() => missed.push(attempt % 6))
          subscriber.disconnect()
          publisher.disconnect()
        }
      } finally {
        await sender.quit()
      }
      expect(missed, 'delays (ms) whose subscription heard nothing').toEqual([])
    })
  },
)
