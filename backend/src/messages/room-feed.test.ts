import { describe, expect, it } from 'vitest'
import type { Message } from '@roomful/sdk/protocol'
import { storedMessage as message } from '../../test/support/stored-messages.js'
import { createLogger } from '../logger.js'
import { envelope } from './frames.js'
import type { MessageStore } from './message-store.js'
import { RoomFeed } from './room-feed.js'

function feedWith(stored: Message[], gapWaitMs = 10) {
  const delivered: number[] = []
  const store = {
    async since(_app: string, _room: string, after: number, limit: number) {
      return stored.filter((m) => m.seq > after).slice(0, limit)
    },
  } as unknown as MessageStore
  const feed = new RoomFeed('a1', 'r1', {
    messages: store,
    publish: (_topic, frame) => delivered.push((JSON.parse(frame) as { message: Message }).message.seq),
    log: createLogger('silent'),
    gapWaitMs,
  })
  return { feed, delivered }
}

describe('RoomFeed: in-order, once-only delivery per node', () => {
  it('holds back messages that arrive early and releases them in seq order', () => {
    const { feed, delivered } = feedWith([])
    feed.catchUp([], 0)
    for (const seq of [2, 3, 1, 5, 4]) feed.onPayload(envelope.message(message(seq)))
    expect(delivered).toEqual([1, 2, 3, 4, 5])
    feed.close()
  })

  it('drops a seq it already delivered (a duplicate publish or a replay overlap)', () => {
    const { feed, delivered } = feedWith([])
    feed.catchUp([], 0)
    for (const seq of [1, 2, 2, 1, 3]) feed.onPayload(envelope.message(message(seq)))
    expect(delivered).toEqual([1, 2, 3])
    feed.close()
  })

  it('fetches a seq whose publish never came (its node died after the commit) from the store', async () => {
    const stored = [1, 2, 3, 4].map(message)
    const { feed, delivered } = feedWith(stored)
    feed.catchUp([], 0)
    feed.onPayload(envelope.message(message(1)))
    feed.onPayload(envelope.message(message(3)))
    feed.onPayload(envelope.message(message(4)))
    expect(delivered).toEqual([1])
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(delivered).toEqual([1, 2, 3, 4])
    feed.close()
  })

  it('starts after what the first joiner read, and delivers what a later join read but the bus had not', () => {
    const { feed, delivered } = feedWith([])
    feed.onPayload(envelope.message(message(3))) // arrives before any join set the start
    feed.catchUp([message(1), message(2), message(3)], 3)
    feed.drain()
    expect(delivered).toEqual([])
    feed.catchUp([message(4), message(5)], 5)
    expect(delivered).toEqual([4, 5])
    feed.onPayload(envelope.message(message(5)))
    feed.onPayload(envelope.message(message(6)))
    expect(delivered).toEqual([4, 5, 6])
    feed.close()
  })

  it('reads from the store what another node says is committed when it never comes over the bus', async () => {
    const stored = [1, 2, 3].map(message)
    const { feed, delivered } = feedWith(stored)
    feed.catchUp([], 0)
    feed.onPayload(envelope.message(message(1)))
    feed.expect(3)
    expect(delivered).toEqual([1])
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(delivered).toEqual([1, 2, 3])
    feed.expect(2) // already delivered: nothing to read
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(delivered).toEqual([1, 2, 3])
    feed.close()
  })

  it('passes ephemeral events straight through', () => {
    const frames: string[] = []
    const feed = new RoomFeed('a1', 'r1', {
      messages: {} as MessageStore,
      publish: (_t, frame) => frames.push(frame),
      log: createLogger('silent'),
      gapWaitMs: 10,
    })
    feed.onPayload(envelope.ephemeral({ type: 'typing', room: 'r1' }))
    expect(frames).toEqual(['{"type":"typing","room":"r1"}'])
  })
})

describe('RoomFeed: presence deltas for a socket whose join is still in flight', () => {
  const presence = (user: string, action: 'join' | 'leave') =>
    envelope.ephemeral({ type: 'presence', room: 'r1', action, user: { id: user }, total: 1 })
  const users = (frames: readonly string[]) =>
    frames.map((f) => (JSON.parse(f) as { user: { id: string } }).user.id)

  it('hands back, in order, exactly the presence frames published since the mark, not typing', () => {
    const feed = new RoomFeed('a1', 'r1', {
      messages: {} as MessageStore,
      publish: () => undefined,
      log: createLogger('silent'),
      gapWaitMs: 10,
    })
    feed.onPayload(presence('before', 'join'))
    const watch = feed.watchPresence()
    expect(watch.since()).toEqual([])
    feed.onPayload(presence('ann', 'join'))
    feed.onPayload(envelope.ephemeral({ type: 'typing', room: 'r1', user: { id: 'ann' } }))
    feed.onPayload(presence('bob', 'join'))
    feed.onPayload(presence('ann', 'leave'))
    expect(users(watch.since())).toEqual(['ann', 'bob', 'ann'])
  })

  it('keeps nothing once no join watches, and a later watch sees only its own frames', () => {
    const feed = new RoomFeed('a1', 'r1', {
      messages: {} as MessageStore,
      publish: () => undefined,
      log: createLogger('silent'),
      gapWaitMs: 10,
    })
    const first = feed.watchPresence()
    const other = feed.watchPresence()
    feed.onPayload(presence('ann', 'join'))
    first.stop()
    first.stop() // idempotent: must not end the other join's watch
    feed.onPayload(presence('bob', 'join'))
    expect(users(other.since())).toEqual(['ann', 'bob'])
    other.stop()
    feed.onPayload(presence('dan', 'join')) // nobody watches: not kept
    const second = feed.watchPresence()
    feed.onPayload(presence('cy', 'join'))
    expect(users(second.since())).toEqual(['cy'])
  })
})
