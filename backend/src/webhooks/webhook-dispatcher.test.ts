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

function setup(options: { deliveries?: MemoryDeliveryStore; forgetAgainMs?: number } = {}) {
  const endpoints = new MemoryEndpointStore()
  const deliveries = options.deliveries ?? new MemoryDeliveryStore()
  let lists = 0
  const list = endpoints.list.bind(endpoints)
  endpoints.list = (appId) => {
    lists += 1
    return list(appId)
  }
  const queued: DeliveryJob[] = []
  const forgotten: string[] = []
  const cache = new EndpointCache(endpoints)
  const dispatcher = new WebhookDispatcher({
    endpoints: cache,
    deliveries,
    queue: {
      enqueue: async (jobs) => void queued.push(...jobs),
      forget: async (ids) => void forgotten.push(...ids),
      close: async () => {},
    },
    sender: { close() {} },
    onDropped: () => {},
    forgetAgainMs: options.forgetAgainMs,
    log: createLogger('silent'),
  })
  const add = (id: string, events: WebhookEventType[], enabled = true) =>
    endpoints.create(endpointRecord('app', { id, events, enabled }))
  return { dispatcher, cache, deliveries, queued, forgotten, add, lists: () => lists }
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

describe('webhooks.forgetMessage', () => {
  const attachment = { id: 'att_1', url: 'https://cdn.example.com/a.png' }
  const messageAt = (seq: number, text: string) =>
    ({ id: `m_${seq}`, roomId: 'r_1', seq, kind: 'text', text, attachment }) as never
  const createdAt = (seq: number, text: string) =>
    webhookEvent('message.created', 'app', { appId: 'app', roomId: 'r_1', message: messageAt(seq, text) })
  const bodiesOf = async (deliveries: MemoryDeliveryStore, jobs: DeliveryJob[]) =>
    Promise.all(
      jobs.map(async (job) => {
        const record = await deliveries.get('app', job.deliveryId)
        return JSON.parse(record!.payload!) as { type: string; data: { message: Record<string, unknown> } }
      }),
    )

  it('blanks the message in every stored body of it, and in their jobs, even right after the emit', async () => {
    const { dispatcher, deliveries, queued, forgotten, add } = setup()
    await add('ep_a', ['message.created', 'message.reported'])
    await add('ep_b', ['message.created'])
    dispatcher.emit(createdAt(1, 'delete me'))
    dispatcher.emit(createdAt(2, 'keep me'))
    const report = { id: 'rep_1', reportedBy: 'u_2', reason: 'spam', createdAt: '2026-01-01T00:00:00.000Z' }
    dispatcher.emit(
      webhookEvent('message.reported', 'app', {
        appId: 'app',
        roomId: 'r_1',
        report,
        message: messageAt(1, 'delete me'),
      }),
    )
    // In the same turn as the emits: nothing is stored yet.
    await dispatcher.forgetMessage('app', 'r_1', 1)

    const bodies = await bodiesOf(deliveries, queued)
    const ofFirst = bodies.filter((b) => b.data.message.seq === 1)
    expect(ofFirst.map((b) => b.type).sort()).toEqual([
      'message.created',
      'message.created',
      'message.reported',
    ])
    for (const body of ofFirst) {
      expect(body.data.message).toMatchObject({ id: 'm_1', seq: 1, text: '' })
      expect(body.data.message).not.toHaveProperty('attachment')
    }
    expect(JSON.stringify(bodies)).not.toContain('delete me')
    expect(bodies.filter((b) => b.data.message.seq === 2).map((b) => b.data.message.text)).toEqual([
      'keep me',
      'keep me',
    ])
    const firstIds = queued.filter((_, i) => bodies[i]!.data.message.seq === 1).map((j) => j.deliveryId)
    expect(forgotten.sort()).toEqual(firstIds.sort())
    await dispatcher.close()
  })

  it('catches, with a second pass, a body another node was still storing at the delete', async () => {
    const deliveries = new MemoryDeliveryStore()
    const slow = setup({ deliveries })
    const insertMany = deliveries.insertMany.bind(deliveries)
    deliveries.insertMany = async (batch) => {
      await new Promise((resolve) => setTimeout(resolve, 200))
      return insertMany(batch)
    }
    const other = setup({ deliveries, forgetAgainMs: 400 })
    await slow.add('ep_a', ['message.created'])
    slow.dispatcher.emit(createdAt(1, 'delete me'))
    await settle()
    await other.dispatcher.forgetMessage('app', 'r_1', 1)
    await until(() => slow.queued.length === 1)
    expect((await bodiesOf(deliveries, slow.queued))[0]!.data.message.text).toBe('delete me')
    const text = async () => (await bodiesOf(deliveries, slow.queued))[0]!.data.message.text
    for (const deadline = Date.now() + 5_000; (await text()) !== '' && Date.now() < deadline;) await settle()
    expect(await text()).toBe('')
    await Promise.all([slow.dispatcher.close(), other.dispatcher.close()])
  })
})
