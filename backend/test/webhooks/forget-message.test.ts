import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { Webhook } from 'standardwebhooks'
import { expect, it } from 'vitest'
import { readConfig } from '../../src/config.js'
import { createLogger } from '../../src/logger.js'
import { Metrics } from '../../src/metrics/metrics.js'
import { createMysql, type Row } from '../../src/storage/mysql.js'
import { webhookEvent } from '../../src/webhooks/webhook-payloads.js'
import { createWebhooks } from '../../src/webhooks/webhooks-module.js'
import { contract, waitFor } from '../contract/harness.js'
import { TEST_REDIS_URL } from '../support/services.js'
import { until } from '../support/until.js'
import { endpointRecord } from '../support/webhook-records.js'
import { WebhookReceiver } from '../support/webhook-receiver.js'

const SECRET_TEXT = 'the text a moderator deleted'

/**
 * The hook the moderation core calls on every delete, on the real stores and queues: once it
 * has run, no body of the deleted message that is still to be sent (or sent again) holds its
 * text, in the delivery records or in the queue's jobs.
 */
contract('webhooks.forgetMessage', (h, kind) => {
  it('blanks a deleted message in failing and dead deliveries, and the retry sends the blank', async () => {
    const node = h().node
    const app = `a${randomBytes(4).toString('hex')}`
    const config = readConfig({
      WEBHOOK_ALLOW_LOOPBACK: 'true',
      WEBHOOK_ATTEMPTS: '3',
      // Long enough to delete the message between the first attempt and the retry.
      WEBHOOK_BACKOFF_MS: '1500',
    })
    const { webhooks } = createWebhooks({
      drivers: node,
      config,
      metrics: new Metrics(),
      log: createLogger('silent'),
    })
    // Fails the first attempt of message 1 only, whatever arrives first.
    let failed = false
    const flaky = await WebhookReceiver.start((_n, request) => {
      const fail = !failed && request.body.includes('"id":"m_1"')
      failed ||= fail
      return { status: fail ? 503 : 204 }
    })
    const gone = await WebhookReceiver.start(() => ({ status: 410 }))
    try {
      const retried = endpointRecord(app, { url: flaky.url, events: ['message.created'] })
      const dead = endpointRecord(app, { url: gone.url, events: ['message.created'] })
      await node.webhookEndpoints.create(retried)
      await node.webhookEndpoints.create(dead)
      const message = (seq: number, text: string) =>
        ({
          id: `m_${seq}`,
          roomId: 'r_1',
          seq,
          kind: 'image',
          user: { id: 'u_1', name: 'Ann', avatar: null },
          text,
          clientId: `c${seq}`,
          createdAt: new Date().toISOString(),
          attachment: { id: 'att_1', url: 'https://cdn.example.com/att_1.png' },
        }) as never
      webhooks.emit(
        webhookEvent('message.created', app, { appId: app, roomId: 'r_1', message: message(1, SECRET_TEXT) }),
      )
      webhooks.emit(
        webhookEvent('message.created', app, { appId: app, roomId: 'r_1', message: message(2, 'kept') }),
      )

      const states = async () =>
        (await node.webhookDeliveries.listForMessage(app, 'r_1', 1)).map((d) => d.status).sort()
      await until(states, (s) => s.join() === 'dead,failing')
      await webhooks.forgetMessage(app, 'r_1', 1)

      const held = await node.webhookDeliveries.listForMessage(app, 'r_1', 1)
      expect(held.map((d) => d.status).sort()).toEqual(['dead', 'failing'])
      for (const delivery of held) {
        const body = JSON.parse(delivery.payload!) as { data: { message: Record<string, unknown> } }
        expect(body.data.message).toMatchObject({ id: 'm_1', seq: 1, text: '', kind: 'image' })
        expect(body.data.message).not.toHaveProperty('attachment')
      }
      // Another message's body is left as it was (its dead letter at the gone endpoint).
      const other = await until(
        () => node.webhookDeliveries.listForMessage(app, 'r_1', 2),
        (held) => held.some((d) => d.status === 'dead'),
      )
      expect(other.find((d) => d.status === 'dead')!.payload).toContain('"text":"kept"')

      // The retry sends the blanked body, signed as ever.
      await waitFor(() => flaky.received.filter((r) => r.body.includes('"seq":1')).length === 2, 15_000)
      const [first, retry] = flaky.received.filter((r) => r.body.includes('"seq":1'))
      expect(first!.body).toContain(SECRET_TEXT)
      expect(retry!.headers['webhook-id']).toBe(first!.headers['webhook-id'])
      const verified = new Webhook(retried.secret).verify(retry!.body, retry!.headers) as {
        data: { message: { text: string } }
      }
      expect(verified.data.message.text).toBe('')

      if (kind === 'production') {
        // Nothing stored holds the text: no delivery row, no job in the queue.
        const db = createMysql(h().mysqlUrl!)
        const redis = new Redis(TEST_REDIS_URL)
        try {
          const rows = await db.query<Row[]>(
            'SELECT COUNT(*) AS n FROM webhook_deliveries WHERE payload LIKE ?',
            [`%${SECRET_TEXT}%`],
          )
          expect(Number(rows[0]!.n)).toBe(0)
          const keys = await redis.keys(`${h().prefix}bull:webhooks:*`)
          const values = await Promise.all(
            keys.map(async (key) =>
              (await redis.type(key)) === 'hash' ? JSON.stringify(await redis.hgetall(key)) : '',
            ),
          )
          expect(values.join()).not.toContain(SECRET_TEXT)
        } finally {
          await Promise.allSettled([db.close(), redis.quit()])
        }
      }
    } finally {
      await webhooks.close()
      await Promise.all([flaky.stop(), gone.stop()])
    }
  })
})
