import { randomBytes } from 'node:crypto'
import { expect, it } from 'vitest'
import { deliveryRecord, endpointRecord } from '../support/webhook-records.js'
import { contract } from './harness.js'

const appId = () => `a${randomBytes(4).toString('hex')}`

const endpoint = endpointRecord
const delivery = deliveryRecord

contract('EndpointStore', (h) => {
  it('creates, reads, lists per app, updates and deletes endpoints', async () => {
    const store = h().node.webhookEndpoints
    const [app, other] = [appId(), appId()]
    const first = endpoint(app)
    const second = endpoint(app, {
      url: 'https://b.example.com/h',
      events: ['message.deleted'],
      enabled: false,
    })
    await store.create(first)
    await store.create(second)
    await store.create(endpoint(other))

    expect(await store.get(app, first.id)).toEqual(first)
    expect(await store.get(other, first.id)).toBeNull()
    expect((await store.list(app)).map((e) => e.id)).toEqual([first.id, second.id])
    expect(await store.list(appId())).toEqual([])

    const expires = new Date(Math.floor(Date.now()) + 60_000)
    const updated = await store.update(app, first.id, {
      events: ['message.reported'],
      secret: 'whsec_bmV3',
      previousSecret: first.secret,
      previousSecretExpiresAt: expires,
      enabled: false,
    })
    expect(updated).toEqual({
      ...first,
      events: ['message.reported'],
      secret: 'whsec_bmV3',
      previousSecret: first.secret,
      previousSecretExpiresAt: expires,
      enabled: false,
    })
    expect(await store.get(app, first.id)).toEqual(updated)
    expect(await store.update(other, first.id, { enabled: true })).toBeNull()

    expect(await store.delete(other, first.id)).toBe(false)
    expect(await store.delete(app, first.id)).toBe(true)
    expect(await store.delete(app, first.id)).toBe(false)
    expect((await store.list(app)).map((e) => e.id)).toEqual([second.id])
  })
})

contract('DeliveryStore', (h) => {
  it('stores a batch, lists it newest first without payloads, filters by status and pages by id', async () => {
    const store = h().node.webhookDeliveries
    const [app, other] = [appId(), appId()]
    const records = Array.from({ length: 5 }, (_, i) =>
      delivery(app, { status: i % 2 === 0 ? 'dead' : 'delivered' }),
    )
    await store.insertMany(records)
    await store.insertMany([delivery(other)])
    await store.insertMany([])

    expect(await store.get(app, records[0]!.id)).toEqual(records[0])
    expect(await store.get(other, records[0]!.id)).toBeNull()

    const newestFirst = [...records].reverse()
    const all = await store.list(app, { limit: 10 })
    expect(all.map((d) => d.id)).toEqual(newestFirst.map((d) => d.id))
    expect(all.every((d) => d.payload === null)).toBe(true)
    expect(all[0]).toEqual({ ...newestFirst[0], payload: null })

    const dead = await store.list(app, { status: 'dead', limit: 10 })
    expect(dead.map((d) => d.id)).toEqual(newestFirst.filter((d) => d.status === 'dead').map((d) => d.id))
    const page1 = await store.list(app, { limit: 2 })
    const page2 = await store.list(app, { limit: 2, before: page1[1]!.id })
    expect([...page1, ...page2].map((d) => d.id)).toEqual(newestFirst.slice(0, 4).map((d) => d.id))
  })

  it('updates a delivery, only from the expected states when asked', async () => {
    const store = h().node.webhookDeliveries
    const app = appId()
    const record = delivery(app)
    await store.insertMany([record])
    const at = new Date(Math.floor(Date.now()))
    expect(
      await store.update(app, record.id, {
        status: 'failing',
        attempts: 1,
        lastStatus: 503,
        lastError: 'the endpoint answered 503',
        lastAttemptAt: at,
        nextAttemptAt: new Date(at.getTime() + 1000),
      }),
    ).toBe(true)
    expect(await store.get(app, record.id)).toMatchObject({ status: 'failing', attempts: 1, lastStatus: 503 })

    // Two redeliveries racing: only the one that finds it dead wins.
    expect(await store.update(app, record.id, { status: 'pending' }, ['dead'])).toBe(false)
    await store.update(app, record.id, { status: 'dead', nextAttemptAt: null })
    expect(await store.update(app, record.id, { status: 'pending', attempts: 0 }, ['dead'])).toBe(true)
    expect(await store.update(app, record.id, { status: 'pending' }, ['dead'])).toBe(false)
    expect(await store.get(app, record.id)).toMatchObject({
      status: 'pending',
      attempts: 0,
      nextAttemptAt: null,
    })

    await store.update(app, record.id, {
      status: 'delivered',
      payload: null,
      deliveredAt: at,
      lastError: null,
    })
    expect(await store.get(app, record.id)).toMatchObject({
      status: 'delivered',
      payload: null,
      deliveredAt: at,
    })
    expect(await store.update(app, 'msg_missing', { status: 'dead' })).toBe(false)
    expect(await store.update(appId(), record.id, { status: 'dead' })).toBe(false)
  })

  it('records many deliveries as delivered in one statement, each with its own values', async () => {
    const store = h().node.webhookDeliveries
    const [app, other] = [appId(), appId()]
    const [first, second, untouched] = [delivery(app), delivery(app, { status: 'failing' }), delivery(app)]
    const elsewhere = delivery(other)
    await store.insertMany([first, second, untouched, elsewhere])
    const now = Math.floor(Date.now())
    const at = (ms: number) => new Date(now + ms)
    const statements = h().node.statementCount?.()
    await store.markDelivered([
      { appId: app, id: first.id, attempts: 1, lastStatus: 200, lastAttemptAt: at(1), deliveredAt: at(2) },
      { appId: app, id: second.id, attempts: 3, lastStatus: 204, lastAttemptAt: at(3), deliveredAt: at(4) },
      // Same id in another app: that app's row is the one it names.
      {
        appId: other,
        id: elsewhere.id,
        attempts: 1,
        lastStatus: 202,
        lastAttemptAt: at(5),
        deliveredAt: at(6),
      },
    ])
    if (statements !== undefined) expect(h().node.statementCount!() - statements).toBe(2)
    const done = { status: 'delivered', payload: null, lastError: null, nextAttemptAt: null }
    expect(await store.get(app, first.id)).toEqual({
      ...first,
      ...done,
      attempts: 1,
      lastStatus: 200,
      lastAttemptAt: at(1),
      deliveredAt: at(2),
    })
    expect(await store.get(app, second.id)).toMatchObject({ ...done, attempts: 3, lastStatus: 204 })
    expect(await store.get(other, elsewhere.id)).toMatchObject({ ...done, lastStatus: 202 })
    expect(await store.get(app, untouched.id)).toEqual(untouched)
  })

  it('finds the deliveries of one message that still hold a body', async () => {
    const store = h().node.webhookDeliveries
    const app = appId()
    const of = (roomId: string, seq: number, status: 'pending' | 'dead' | 'delivered' = 'pending') =>
      delivery(app, { roomId, messageSeq: seq, status, ...(status === 'delivered' && { payload: null }) })
    const [pending, dead, later] = [of('r_1', 7), of('r_1', 7, 'dead'), of('r_1', 8)]
    await store.insertMany([pending, dead, of('r_1', 7, 'delivered'), later, of('r_2', 7), delivery(app)])
    const found = await store.listForMessage(app, 'r_1', 7)
    expect(found.map((d) => d.id).sort()).toEqual([pending.id, dead.id].sort())
    expect(found.find((d) => d.id === pending.id)).toEqual(pending)
    expect(await store.listForMessage(appId(), 'r_1', 7)).toEqual([])
    // Without a seq: every message of the room (a deleted room's bodies).
    const ofRoom = await store.listForMessage(app, 'r_1')
    expect(ofRoom.map((d) => d.id).sort()).toEqual([pending.id, dead.id, later.id].sort())
  })

  it('prunes deliveries older than the cut-off, in bounded batches', async () => {
    const store = h().node.webhookDeliveries
    const app = appId()
    const old = Array.from({ length: 3 }, () =>
      delivery(app, { createdAt: new Date('2020-01-01T00:00:00Z') }),
    )
    const fresh = delivery(app)
    await store.insertMany([...old, fresh])
    const cutoff = new Date('2021-01-01T00:00:00Z')
    // The suite's other rows are all recent, so exactly the three old ones go, two at most per call.
    expect(await store.prune(cutoff, 2)).toBe(2)
    expect(await store.prune(cutoff, 2)).toBe(1)
    expect(await store.prune(cutoff, 2)).toBe(0)
    expect((await store.list(app, { limit: 10 })).map((d) => d.id)).toEqual([fresh.id])
  })
})
