import { randomBytes } from 'node:crypto'
import { Webhook, WebhookVerificationError } from 'standardwebhooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Message } from '@roomful/sdk/protocol'
import { adminClient, TEST_ADMIN_KEY } from '../support/admin-client.js'
import { modesToTest } from '../support/modes.js'
import { createRoom } from '../support/rooms.js'
import { freePort } from '../support/start-backend.js'
import { startTestServer, type TestServer } from '../support/test-server.js'
import { until } from '../support/until.js'
import { WebhookReceiver, type ReceivedWebhook } from '../support/webhook-receiver.js'
import { WsTestClient } from '../support/ws-client.js'

const modes = await modesToTest()
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface Endpoint {
  id: string
  url: string
  events: string[]
  enabled: boolean
  secret?: string
}
interface Delivery {
  id: string
  endpointId: string
  status: string
  attempts: number
  lastStatus: number | null
  lastError: string | null
  payload?: { type: string; data: { message: Message } }
}

/**
 * Verifies a request the way a host site would, with the Standard Webhooks reference library
 * (not our signing code): signature over id.timestamp.body with the endpoint's secret, and the
 * timestamp within its tolerance. Returns the parsed body.
 */
function verified(secret: string, request: ReceivedWebhook) {
  return new Webhook(secret).verify(request.body, request.headers) as {
    type: string
    timestamp: string
    data: { appId: string; roomId: string; message: Message }
  }
}

describe.each(modes)('webhooks (%s)', (mode) => {
  let server: TestServer
  let admin: ReturnType<typeof adminClient>
  const receivers: WebhookReceiver[] = []
  beforeAll(async () => {
    server = await startTestServer(mode, {
      env: {
        ADMIN_KEY: TEST_ADMIN_KEY,
        WEBHOOK_ALLOW_LOOPBACK: 'true',
        WEBHOOK_ATTEMPTS: '4',
        WEBHOOK_BACKOFF_MS: '100',
        WEBHOOK_TIMEOUT_MS: '1500',
      },
    })
    admin = adminClient(server.url)
  })
  afterAll(async () => {
    await server?.stop()
    await Promise.all(receivers.map((r) => r.stop()))
  })

  const receiver = async (...args: Parameters<typeof WebhookReceiver.start>) => {
    const started = await WebhookReceiver.start(...args)
    receivers.push(started)
    return started
  }
  const register = async (url: string, events = ['message.created']) => {
    const created = await admin<Endpoint>('POST', `/apps/${server.app.id}/webhooks/endpoints`, {
      url,
      events,
    })
    expect(created.status).toBe(201)
    return created.body
  }
  /** A member of a fresh room, ready to send. */
  const member = async (sub = `u${randomBytes(3).toString('hex')}`) => {
    const token = await server.token(sub)
    const room = await createRoom(server.url, server.app.id, token, `room ${sub}`)
    const client = await WsTestClient.authed(server.url, server.app.id, token)
    await client.request('join', { room: room.id })
    const send = async (text: string, clientId = randomBytes(6).toString('hex')) => {
      const reply = await client.request<{ message: Message }>('send', { room: room.id, clientId, text })
      expect(reply.error).toBeUndefined()
      return reply.result!.message
    }
    return { client, room, send }
  }
  const deliveries = async (query = '') =>
    (await admin<{ deliveries: Delivery[] }>('GET', `/apps/${server.app.id}/webhooks/deliveries${query}`))
      .body.deliveries
  const deliveryOf = async (id: string) =>
    (await admin<Delivery>('GET', `/apps/${server.app.id}/webhooks/deliveries/${id}`)).body

  it('manages endpoints behind the admin key, refusing unsafe URLs and unknown events', async () => {
    const base = `/apps/${server.app.id}/webhooks/endpoints`
    expect((await admin('GET', base, undefined, null)).status).toBe(401)
    expect((await admin('GET', base, undefined, 'wrong-key-wrong-key')).status).toBe(403)
    expect((await admin('GET', '/apps/no_such_app/webhooks/endpoints')).body.error?.code).toBe(
      'app_not_found',
    )

    const created = await admin<Endpoint>('POST', base, {
      url: 'https://93.184.216.34/hooks',
      events: ['message.created', 'user.banned', 'message.created'],
    })
    expect(created.status).toBe(201)
    const { id, secret } = created.body
    // Standard Webhooks: whsec_ and the base64 of at least 24 random bytes (we use 32).
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    expect(Buffer.from(secret!.slice(6), 'base64')).toHaveLength(32)
    expect(created.body).toMatchObject({
      url: 'https://93.184.216.34/hooks',
      events: ['message.created', 'user.banned'],
    })

    const listed = await admin<{ endpoints: Endpoint[] }>('GET', base)
    expect(listed.body.endpoints.map((e) => e.id)).toContain(id)
    expect(JSON.stringify(listed.body)).not.toContain(secret)
    expect(JSON.stringify((await admin('GET', `${base}/${id}`)).body)).not.toContain(secret)

    const updated = await admin<Endpoint>('PATCH', `${base}/${id}`, {
      events: ['message.deleted'],
      enabled: false,
    })
    expect(updated.body).toMatchObject({ id, events: ['message.deleted'], enabled: false })

    for (const [url, why] of [
      ['https://10.0.0.1/hooks', /private/],
      ['https://169.254.169.254/latest/meta-data', /private/],
      ['https://[fd00::1]/hooks', /private/],
      ['http://93.184.216.34/hooks', /http is allowed only to loopback/],
      ['ftp://93.184.216.34/hooks', /use https/],
      ['https://no-such-host.invalid/hooks', /does not resolve/],
    ] as const) {
      const refused = await admin('POST', base, { url, events: ['message.created'] })
      expect(refused.status, url).toBe(400)
      expect(refused.body.error?.message, url).toMatch(why)
    }
    for (const events of [[], ['message.edited'], 'message.created'])
      expect((await admin('POST', base, { url: 'https://93.184.216.34/', events })).status).toBe(400)
    expect((await admin('PATCH', `${base}/${id}`, { url: 'https://192.168.1.1/' })).status).toBe(400)

    expect((await admin('DELETE', `${base}/${id}`)).status).toBe(204)
    expect((await admin('GET', `${base}/${id}`)).body.error?.code).toBe('not_found')
    expect((await admin('DELETE', `${base}/${id}`)).status).toBe(404)
  })

  it('delivers to a receiver that fails twice exactly one event by its webhook-id, with a valid signature', async () => {
    const hook = await receiver((n) =>
      n <= 2 ? { status: n === 1 ? 500 : 503, body: 'try later' } : { status: 200 },
    )
    const { secret, id: endpointId } = await register(hook.url)
    const { room, send } = await member()
    const message = await send('hello host site')

    const requests = await hook.waitFor(3)
    await sleep(500)
    expect(requests).toHaveLength(3)
    // The receiver de-duplicates by webhook-id, as Standard Webhooks tells it to.
    const processed = new Set(requests.map((r) => r.headers['webhook-id']))
    expect([...processed]).toHaveLength(1)
    const [deliveryId] = processed
    expect(deliveryId).toMatch(/^msg_[0-9a-z]+$/)
    for (const request of requests) {
      const event = verified(secret!, request)
      expect(event).toEqual({
        type: 'message.created',
        timestamp: message.createdAt,
        data: { appId: server.app.id, roomId: room.id, message },
      })
      expect(request.headers['content-type']).toBe('application/json')
      expect(request.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/)
    }
    // The check can fail: a changed body, or another endpoint's secret, is refused.
    const tampered = { ...requests[2]!, body: requests[2]!.body.replace('hello', 'HELLO') }
    expect(() => verified(secret!, tampered)).toThrow(WebhookVerificationError)
    const otherSecret = (await register('https://93.184.216.34/other', ['user.banned'])).secret!
    expect(() => verified(otherSecret, requests[2]!)).toThrow(WebhookVerificationError)

    const record = await until(
      () => deliveryOf(deliveryId!),
      (d) => d.status === 'delivered',
    )
    expect(record).toMatchObject({
      endpointId,
      status: 'delivered',
      attempts: 3,
      lastStatus: 200,
      lastError: null,
    })
    // Once delivered, the record keeps no copy of the event.
    expect(record.payload).toBeUndefined()
    await admin('DELETE', `/apps/${server.app.id}/webhooks/endpoints/${endpointId}`)
  })

  it('leaves the delivery to a receiver that is down in the dead letters, and redelivers it once it is back', async () => {
    const port = await freePort()
    const { secret, id: endpointId } = await register(`http://127.0.0.1:${port}/hooks/roomful`)
    const { send } = await member()
    const message = await send('are you there?')

    const [dead] = await until(
      () => deliveries('?status=dead'),
      (list) => list.some((d) => d.endpointId === endpointId),
    )
    expect(dead).toMatchObject({ endpointId, status: 'dead', attempts: 4, lastStatus: null })
    expect(dead!.lastError).toMatch(/ECONNREFUSED/)
    expect((await deliveryOf(dead!.id)).payload?.data.message.id).toBe(message.id)

    const hook = await receiver(() => ({ status: 202 }), port)
    const redelivered = await admin(
      'POST',
      `/apps/${server.app.id}/webhooks/deliveries/${dead!.id}/redeliver`,
    )
    expect(redelivered).toMatchObject({ status: 202, body: { id: dead!.id, status: 'pending', attempts: 0 } })
    const [request] = await hook.waitFor(1)
    expect(request!.headers['webhook-id']).toBe(dead!.id)
    expect(verified(secret!, request!).data.message).toEqual(message)
    await until(
      () => deliveryOf(dead!.id),
      (d) => d.status === 'delivered',
    )
    expect((await deliveries('?status=dead')).map((d) => d.id)).not.toContain(dead!.id)
    const again = await admin('POST', `/apps/${server.app.id}/webhooks/deliveries/${dead!.id}/redeliver`)
    expect(again.status).toBe(400)
    expect(again.body.error?.message).toMatch(/it is delivered, not dead/)
    expect(
      (await admin('POST', `/apps/${server.app.id}/webhooks/deliveries/msg_nope/redeliver`)).status,
    ).toBe(404)
    expect((await admin('GET', `/apps/${server.app.id}/webhooks/deliveries?status=gone`)).status).toBe(400)
    await admin('DELETE', `/apps/${server.app.id}/webhooks/endpoints/${endpointId}`)
  })

  it('sends only subscribed types, for new text messages only (no duplicates, no join/leave notices)', async () => {
    const created = await receiver()
    const deleted = await receiver()
    const createdEndpoint = await register(created.url, ['message.created'])
    const deletedEndpoint = await register(deleted.url, ['message.deleted'])
    const { send } = await member()
    const first = await send('once', 'same-client-id')
    const retried = await send('once', 'same-client-id')
    expect(retried.seq).toBe(first.seq)
    const other = await member()
    await other.client.close()

    await created.waitFor(1)
    await sleep(600)
    expect(created.received.map((r) => JSON.parse(r.body).data.message.id)).toEqual([first.id])
    expect(deleted.received).toEqual([])
    for (const e of [createdEndpoint, deletedEndpoint])
      await admin('DELETE', `/apps/${server.app.id}/webhooks/endpoints/${e.id}`)
  })

  it('signs with the old secret too during a rotation, and retries a receiver that times out', async () => {
    const hook = await receiver((n) => (n === 1 ? { status: 200, delayMs: 2_500 } : { status: 200 }))
    const { id, secret: old } = await register(hook.url)
    const rotated = await admin<Endpoint>(
      'POST',
      `/apps/${server.app.id}/webhooks/endpoints/${id}/rotate-secret`,
      { keepOldForSeconds: 3600 },
    )
    const fresh = rotated.body.secret!
    expect(fresh).not.toBe(old)
    const { send } = await member()
    await send('rotating')

    const requests = await hook.waitFor(2)
    expect(requests[0]!.headers['webhook-id']).toBe(requests[1]!.headers['webhook-id'])
    expect(requests[1]!.headers['webhook-signature']!.split(' ')).toHaveLength(2)
    for (const secret of [old!, fresh]) expect(verified(secret, requests[1]!).type).toBe('message.created')
    const [record] = await until(
      () => deliveries(),
      (list) => list[0]?.endpointId === id && list[0].status === 'delivered',
    )
    expect(record!.attempts).toBe(2)

    // Without a grace period the old secret stops signing at once.
    await admin('POST', `/apps/${server.app.id}/webhooks/endpoints/${id}/rotate-secret`, {})
    await send('rotated')
    const [, , latest] = await hook.waitFor(3)
    expect(latest!.headers['webhook-signature']!.split(' ')).toHaveLength(1)
    expect(() => verified(fresh, latest!)).toThrow(WebhookVerificationError)
    await admin('DELETE', `/apps/${server.app.id}/webhooks/endpoints/${id}`)
  })

  it('stops at once and disables the endpoint when the receiver answers 410 Gone', async () => {
    const hook = await receiver(() => ({ status: 410, body: 'no longer here' }))
    const { id } = await register(hook.url)
    const { send } = await member()
    await send('anyone?')
    const [dead] = await until(
      () => deliveries('?status=dead'),
      (list) => list.some((d) => d.endpointId === id),
    )
    expect(dead).toMatchObject({ attempts: 1, lastStatus: 410 })
    expect(dead!.lastError).toMatch(/410: no longer here; the endpoint was disabled/)
    expect(
      (await admin<Endpoint>('GET', `/apps/${server.app.id}/webhooks/endpoints/${id}`)).body.enabled,
    ).toBe(false)
    await send('still there?')
    await sleep(500)
    expect(hook.received).toHaveLength(1)
    await admin('DELETE', `/apps/${server.app.id}/webhooks/endpoints/${id}`)
  })
})
