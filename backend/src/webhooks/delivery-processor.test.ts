import { describe, expect, it } from 'vitest'
import { deliveryRecord, endpointRecord } from '../../test/support/webhook-records.js'
import { createLogger } from '../logger.js'
import { createDeliveryProcessor } from './delivery-processor.js'
import { MemoryDeliveryStore } from './delivery-store.memory.js'
import type { EndpointRecord } from './endpoint-store.js'
import { MemoryEndpointStore } from './endpoint-store.memory.js'
import type { AttemptResult } from './webhook-sender.js'

const ok: AttemptResult = { ok: true, status: 200, error: null, retryAfterMs: null, gone: false }
const failed = (status: number, extra: Partial<AttemptResult> = {}): AttemptResult => ({
  ok: false,
  status,
  error: `the endpoint answered ${status}`,
  retryAfterMs: null,
  gone: status === 410,
  ...extra,
})

async function setup(results: AttemptResult[], endpoint: Partial<EndpointRecord> = {}) {
  const endpoints = new MemoryEndpointStore()
  const deliveries = new MemoryDeliveryStore()
  await endpoints.create(endpointRecord('app', { id: 'ep_1', events: ['message.created'], ...endpoint }))
  const record = deliveryRecord('app', { id: 'msg_1' })
  await deliveries.insertMany([record])
  const posts: Array<Record<string, string>> = []
  const changed: string[] = []
  const outcomes: string[] = []
  const process = createDeliveryProcessor({
    endpoint: (appId, id) => endpoints.get(appId, id),
    endpoints,
    deliveries,
    delivered: (mark) => deliveries.markDelivered([mark]),
    post: async (_url, headers) => {
      posts.push(headers)
      return results.shift() ?? ok
    },
    attempts: 3,
    backoffMs: 1_000,
    endpointsChanged: (appId) => changed.push(appId),
    observe: (outcome) => outcomes.push(outcome),
    log: createLogger('silent'),
  })
  const job = { appId: 'app', deliveryId: 'msg_1' }
  return {
    process,
    job,
    record,
    posts,
    changed,
    outcomes,
    endpoints,
    deliveries,
    stored: () => deliveries.get('app', 'msg_1'),
  }
}

describe('the delivery processor', () => {
  it('backs off exponentially, honours a longer Retry-After, and is dead after the last attempt', async () => {
    const { process, job, posts, outcomes, stored } = await setup([
      failed(500),
      failed(429, { retryAfterMs: 60_000 }),
      failed(503),
    ])
    const first = await process(job, 1)
    expect(first!.retryInMs).toBeGreaterThanOrEqual(800)
    expect(first!.retryInMs).toBeLessThanOrEqual(1_000)
    expect(await stored()).toMatchObject({ status: 'failing', attempts: 1, lastStatus: 500 })
    expect((await stored())!.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now())
    expect(await process(job, 2)).toEqual({ retryInMs: 60_000 })
    expect(await process(job, 3)).toBeNull()
    expect(await stored()).toMatchObject({
      status: 'dead',
      attempts: 3,
      lastStatus: 503,
      nextAttemptAt: null,
    })
    expect(posts.map((h) => h['webhook-id'])).toEqual(['msg_1', 'msg_1', 'msg_1'])
    expect(outcomes).toEqual(['retrying', 'retrying', 'dead'])
  })

  it('sends the body a job carries without reading the record, and counts each outcome', async () => {
    const { process, record, deliveries, posts, outcomes } = await setup([failed(503), ok])
    const get = deliveries.get.bind(deliveries)
    let reads = 0
    deliveries.get = (appId, id) => {
      reads += 1
      return get(appId, id)
    }
    const carried = {
      appId: 'app',
      deliveryId: 'msg_1',
      body: { endpointId: 'ep_1', payload: record.payload! },
    }
    expect(await process(carried, 1)).toEqual({ retryInMs: expect.any(Number) })
    expect(reads).toBe(0)
    expect(await get('app', 'msg_1')).toMatchObject({ status: 'failing', attempts: 1, lastStatus: 503 })
    // The retry, whose body the runner dropped, reads the record.
    expect(await process({ appId: 'app', deliveryId: 'msg_1' }, 2)).toBeNull()
    expect(reads).toBe(1)
    expect(await get('app', 'msg_1')).toMatchObject({
      status: 'delivered',
      attempts: 2,
      lastStatus: 200,
      payload: null,
    })
    expect(posts.map((h) => h['webhook-id'])).toEqual(['msg_1', 'msg_1'])
    expect(outcomes).toEqual(['retrying', 'delivered'])
  })

  it('never turns a delivered record back when a job taken for stalled runs again with its body', async () => {
    const { process, record, stored } = await setup([ok, failed(500)])
    const carried = {
      appId: 'app',
      deliveryId: 'msg_1',
      body: { endpointId: 'ep_1', payload: record.payload! },
    }
    expect(await process(carried, 1)).toBeNull()
    await process(carried, 2)
    expect(await stored()).toMatchObject({ status: 'delivered', attempts: 1, lastStatus: 200, payload: null })
  })

  it('is idempotent: a job run again after delivery, or after the delivery died, sends nothing', async () => {
    const { process, job, posts, stored } = await setup([ok])
    expect(await process(job, 1)).toBeNull()
    expect(await stored()).toMatchObject({ status: 'delivered', attempts: 1, payload: null })
    expect(await process(job, 2)).toBeNull()
    expect(posts).toHaveLength(1)

    const dead = await setup([failed(500)])
    await dead.process(dead.job, 3)
    expect(await dead.process(dead.job, 4)).toBeNull()
    expect(dead.posts).toHaveLength(1)
  })

  it('declares the delivery dead without sending when its endpoint is disabled or deleted', async () => {
    const disabled = await setup([], { enabled: false })
    expect(await disabled.process(disabled.job, 1)).toBeNull()
    expect(await disabled.stored()).toMatchObject({ status: 'dead', lastError: 'the endpoint is disabled' })
    const deleted = await setup([])
    await deleted.endpoints.delete('app', 'ep_1')
    await deleted.process(deleted.job, 1)
    expect(await deleted.stored()).toMatchObject({ status: 'dead', lastError: 'the endpoint was deleted' })
    expect([...disabled.posts, ...deleted.posts]).toEqual([])
  })

  it('disables the endpoint on 410 Gone and tells the caches', async () => {
    const { process, job, stored, endpoints, changed } = await setup([failed(410)])
    expect(await process(job, 1)).toBeNull()
    expect(await stored()).toMatchObject({ status: 'dead', lastStatus: 410 })
    expect((await endpoints.get('app', 'ep_1'))!.enabled).toBe(false)
    expect(changed).toEqual(['app'])
  })

  it('signs with the previous secret too until it expires', async () => {
    const soon = await setup([ok], {
      previousSecret: 'whsec_b2xk',
      previousSecretExpiresAt: new Date(Date.now() + 60_000),
    })
    await soon.process(soon.job, 1)
    expect(soon.posts[0]!['webhook-signature']!.split(' ')).toHaveLength(2)
    const past = await setup([ok], {
      previousSecret: 'whsec_b2xk',
      previousSecretExpiresAt: new Date(Date.now() - 1),
    })
    await past.process(past.job, 1)
    expect(past.posts[0]!['webhook-signature']!.split(' ')).toHaveLength(1)
  })
})
