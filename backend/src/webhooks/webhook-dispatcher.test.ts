import { afterEach, describe, expect, it, vi } from 'vitest'
import { endpointRecord } from '../../test/support/webhook-records.js'
import { createLogger } from '../logger.js'
import type { DeliveryJob } from './delivery-jobs.js'
import { MemoryDeliveryStore } from './delivery-store.memory.js'
import { MemoryEndpointStore } from './endpoint-store.memory.js'
import { ENDPOINT_CACHE_MS, EndpointCache } from './endpoint-cache.js'
import { WebhookDispatcher } from './webhook-dispatcher.js'
import { webhookEvent } from './webhook-payloads.js'
import type { WebhookEventType } from './webhooks.js'

const message = { id: 'm_1', roomId: 'r_1', seq: 1 } as never
const created = (appId = 'app') => webhookEvent('message.created', appId, { appId, roomId: 'r_1', message })
/** Long enough for work that should not happen to have happened, were it to. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50))
/** Waits for work that should happen (bounded; the assertion after it says what was expected). */
async function until(done: () => boolean, timeoutMs = 5_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !done() && Date.now() < deadline;) await settle()
}

function setup() {
  const endpoints = new MemoryEndpointStore()
  const deliveries = new MemoryDeliveryStore()
  let lists = 0
  const list = endpoints.list.bind(endpoints)
  endpoints.list = (appId) => {
    lists += 1
    return list(appId)
  }
  const queued: DeliveryJob[] = []
  const cache = new EndpointCache(endpoints)
  const dispatcher = new WebhookDispatcher({
    endpoints: cache,
    deliveries,
    queue: {
      enqueue: async (jobs) => void queued.push(...jobs),
      close: async () => {},
    },
    sender: { close() {} },
    onDropped: () => {},
    log: createLogger('silent'),
  })
  const add = (id: string, events: WebhookEventType[], enabled = true) =>
    endpoints.create(endpointRecord('app', { id, events, enabled }))
  return { dispatcher, cache, deliveries, queued, add, lists: () => lists }
}

afterEach(() => vi.useRealTimers())

describe('webhooks.emit', () => {
  it('does nothing but one cached lookup per app when no endpoint subscribes', async () => {
    const { dispatcher, queued, add, lists } = setup()
    await add('ep_banned', ['user.banned'])
    await add('ep_off', ['message.created'], false)
    for (let i = 0; i < 100; i++) dispatcher.emit(created())
    await settle()
    for (let i = 0; i < 100; i++) dispatcher.emit(created())
    await settle()
    expect(lists()).toBe(1)
    expect(queued).toEqual([])
    await dispatcher.close()
  })

  it('returns before any I/O, then stores and queues one delivery per subscribed endpoint', async () => {
    const { dispatcher, deliveries, queued, add } = setup()
    await add('ep_a', ['message.created'])
    await add('ep_b', ['message.created', 'user.banned'])
    dispatcher.emit(created())
    expect(queued).toEqual([])
    await until(() => queued.length >= 2)
    expect(queued.map((j) => j.appId)).toEqual(['app', 'app'])
    const stored = await Promise.all(queued.map((j) => deliveries.get('app', j.deliveryId)))
    expect(stored.map((d) => d!.endpointId).sort()).toEqual(['ep_a', 'ep_b'])
    expect(stored.every((d) => d!.id.startsWith('msg_') && d!.status === 'pending')).toBe(true)
    expect(JSON.parse(stored[0]!.payload!)).toMatchObject({
      type: 'message.created',
      data: { roomId: 'r_1' },
    })
    await dispatcher.close()
  })

  it('sees a change made on this node at once, and one made elsewhere after the cache time', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const { dispatcher, cache, queued, add, lists } = setup()
    dispatcher.emit(created())
    await settle()
    expect(queued).toHaveLength(0)

    // Another node registers an endpoint: this one still has its cached "none"…
    await add('ep_elsewhere', ['message.created'])
    dispatcher.emit(created())
    await settle()
    expect(queued).toHaveLength(0)
    // …until the cache time has passed: the first event after it waits for a reload.
    vi.setSystemTime(Date.now() + ENDPOINT_CACHE_MS)
    dispatcher.emit(created())
    await until(() => queued.length >= 1)
    expect(queued).toHaveLength(1)
    dispatcher.emit(created())
    await until(() => queued.length >= 2)
    expect(queued).toHaveLength(2)
    expect(lists()).toBe(2)

    // A change on this node invalidates: the very next event sees it.
    await add('ep_here', ['message.created'])
    cache.invalidate('app')
    dispatcher.emit(created())
    await until(() => queued.length >= 4)
    expect(queued).toHaveLength(4)
    await dispatcher.close()
  })

  it('stores what was emitted before close, and ignores what comes after', async () => {
    const { dispatcher, queued, add } = setup()
    await add('ep_a', ['message.created'])
    dispatcher.emit(created())
    await dispatcher.close()
    expect(queued).toHaveLength(1)
    dispatcher.emit(created())
    await settle()
    expect(queued).toHaveLength(1)
  })
})
