import { describe, expect, it } from 'vitest'
import type { Message } from '@roomful/sdk/protocol'
import type { Bus } from '../bus/bus.js'
import { createLogger } from '../logger.js'
import { MemoryPresenceStore } from '../presence/presence-store.memory.js'
import { MemoryRoomStore } from '../rooms/room-store.memory.js'
import { MemoryMessageStore } from './message-store.memory.js'
import { MessagesService } from './messages-service.js'
import { RoomFeeds } from './room-feed.js'
import { WriteBatcher } from './write-batcher.js'

const log = createLogger('silent')
const user = { id: 'u1', name: 'Ann', avatar: null }

/** A bus that holds every publish until the test releases it, like a slow Redis. */
function heldBus() {
  const held: Array<{ channel: string; payload: string }> = []
  const handlers = new Map<string, (payload: string) => void>()
  const bus: Bus = {
    // It cannot count receivers, so every commit is published.
    publish: async (channel, payload) => {
      held.push({ channel, payload })
      return null
    },
    subscribe: async (channel, handler) => {
      handlers.set(channel, handler)
      return async () => void handlers.delete(channel)
    },
    onReconnect: () => undefined,
    close: async () => undefined,
  }
  const release = () => held.splice(0).forEach(({ channel, payload }) => handlers.get(channel)?.(payload))
  return { bus, held, release }
}

/** The stored messages among what went to the bus (a feed also says hello there). */
const published = (held: Array<{ payload: string }>) => held.filter((h) => h.payload.startsWith('M'))

async function node() {
  const rooms = new MemoryRoomStore()
  await rooms.create({
    id: 'r1',
    appId: 'a1',
    name: 'R',
    topic: null,
    createdBy: 'u1',
    createdAt: new Date(),
    lastSeq: 0,
    slowModeSeconds: 0,
    readOnly: false,
    archived: false,
  })
  const store = new MemoryMessageStore(rooms)
  const { bus, held, release } = heldBus()
  const delivered: number[] = []
  const feeds = new RoomFeeds({
    bus,
    messages: store,
    publish: (_topic, frame) => delivered.push((JSON.parse(frame) as { message: Message }).message.seq),
    log,
  })
  const service = new MessagesService({
    batcher: new WriteBatcher(store),
    messages: store,
    presence: new MemoryPresenceStore(),
    feeds,
    log,
  })
  return { feeds, service, held, release, delivered }
}

describe('MessagesService: delivery of this node’s own commits', () => {
  it('hands a committed message to local members at once and drops the bus echo of it', async () => {
    const { feeds, service, held, release, delivered } = await node()
    const feed = await feeds.attach('a1', 'r1')
    feed.catchUp([], 0)
    await service.send('a1', 'r1', user, 'c1', 'one')
    await service.send('a1', 'r1', user, 'c2', 'two')
    // Local members have both although the bus has not delivered anything yet…
    expect(delivered).toEqual([1, 2])
    // …and the other nodes still get them through the bus.
    expect(published(held)).toHaveLength(2)
    release()
    expect(delivered).toEqual([1, 2])
    feeds.detach(feed)
  })

  it('delivers a retried send once, though the duplicate goes out again for whoever missed it', async () => {
    const { feeds, service, held, delivered } = await node()
    const feed = await feeds.attach('a1', 'r1')
    feed.catchUp([], 0)
    const first = await service.send('a1', 'r1', user, 'same', 'hello')
    const retry = await service.send('a1', 'r1', user, 'same', 'hello')
    expect(retry.seq).toBe(first.seq)
    expect(delivered).toEqual([1])
    // The original may never have been published (its COMMIT got no answer): the retry
    // publishes it again, and every feed that has it drops it by seq.
    expect(published(held)).toHaveLength(2)
    feeds.detach(feed)
  })
})
