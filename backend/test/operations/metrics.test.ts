import { afterAll, describe, expect, it } from 'vitest'
import { adminClient, TEST_ADMIN_KEY } from '../support/admin-client.js'
import { createAppWithCli } from '../support/admin-cli.js'
import { listeningPorts } from '../support/listening-ports.js'
import { createRoom } from '../support/rooms.js'
import {
  dropRedisPrefix,
  freshMysqlDatabase,
  servicesAvailable,
  TEST_REDIS_URL,
  uniquePrefix,
} from '../support/services.js'
import { freePort, startBackend, type BackendProcess } from '../support/start-backend.js'
import { mintUserToken } from '../support/tokens.js'
import { until } from '../support/until.js'
import { WebhookReceiver } from '../support/webhook-receiver.js'
import { WsTestClient } from '../support/ws-client.js'

const available = await servicesAvailable()

/** `name{labels} value` lines of a Prometheus text exposition, as a lookup. */
function parseExposition(text: string) {
  const samples = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const space = line.lastIndexOf(' ')
    samples.set(line.slice(0, space), Number(line.slice(space + 1)))
  }
  return {
    text,
    value: (series: string) => samples.get(series),
    /** Families named in # TYPE lines. */
    families: new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!)),
  }
}

const scrape = async (port: number) => {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`)
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
  return parseExposition(await res.text())
}

describe('Prometheus metrics on METRICS_PORT', () => {
  const nodes: BackendProcess[] = []
  const cleanups: Array<() => Promise<void>> = []
  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.stop()))
    for (const cleanup of cleanups) await cleanup()
  })
  /** A node with its metrics listener on a port of its own. */
  const metered = async (env: Record<string, string> = {}) => {
    const metricsPort = await freePort()
    const node = await startBackend({ env: { ...env, METRICS_PORT: String(metricsPort) } })
    nodes.push(node)
    return { node, metricsPort }
  }

  it('opens no metrics listener when METRICS_PORT is unset, and never serves /metrics on the public port', async () => {
    const node = await startBackend()
    nodes.push(node)
    expect(await listeningPorts(node.child.pid!)).toEqual([node.port])
    expect((await fetch(`${node.url}/metrics`)).status).toBe(404)
  })

  it('serves the embedded node too', async () => {
    const { node, metricsPort } = await metered()
    expect(await listeningPorts(node.child.pid!)).toEqual([node.port, metricsPort].sort((a, b) => a - b))
    const metrics = await scrape(metricsPort)
    expect(metrics.value('roomful_info{mode="embedded"}')).toBe(1)
    expect(metrics.families).toContain('nodejs_eventloop_lag_seconds')
    expect((await fetch(`${node.url}/metrics`)).status).toBe(404)
    expect((await fetch(`http://127.0.0.1:${metricsPort}/other`)).status).toBe(404)
  })

  it('counts webhook attempts by outcome and times each POST', async () => {
    const { node, metricsPort } = await metered({
      ADMIN_KEY: TEST_ADMIN_KEY,
      WEBHOOK_ALLOW_LOOPBACK: 'true',
      WEBHOOK_ATTEMPTS: '3',
      WEBHOOK_BACKOFF_MS: '50',
    })
    const flaky = await WebhookReceiver.start((n) => ({ status: n === 1 ? 500 : 204 }))
    const gone = await WebhookReceiver.start(() => ({ status: 410 }))
    cleanups.push(
      () => flaky.stop(),
      () => gone.stop(),
    )
    const admin = adminClient(node.url)
    const app = await admin<{ id: string; secret: string }>('POST', '/apps', { id: 'hooked' })
    for (const receiver of [flaky, gone])
      await admin('POST', '/apps/hooked/webhooks/endpoints', {
        url: receiver.url,
        events: ['message.created'],
      })
    const token = await mintUserToken('hooked', app.body.secret, { sub: 'hooker' })
    const room = await createRoom(node.url, 'hooked', token, 'hooked room')
    const client = await WsTestClient.authed(node.url, 'hooked', token)
    await client.request('join', { room: room.id })
    await client.request('send', { room: room.id, clientId: 'once', text: 'to both' })
    await flaky.waitFor(2)
    await gone.waitFor(1)

    // The outcomes are counted just after the answers: scrape until they are in.
    const metrics = await until(
      () => scrape(metricsPort),
      (m) => m.value('roomful_webhook_attempt_seconds_count') === 3,
      10_000,
    )
    expect(metrics.value('roomful_webhook_deliveries_total{outcome="retrying"}')).toBe(1)
    expect(metrics.value('roomful_webhook_deliveries_total{outcome="delivered"}')).toBe(1)
    expect(metrics.value('roomful_webhook_deliveries_total{outcome="dead"}')).toBe(1)
    expect(metrics.value('roomful_webhook_attempt_seconds_count')).toBe(3)
    expect(metrics.value('roomful_webhook_attempt_seconds_sum')).toBeGreaterThan(0)
    expect(metrics.value('roomful_webhook_events_dropped_total')).toBe(0)
    await client.close()
  })

  it.runIf(available)(
    'counts what a production node does: sockets, frames, sends, commits, the bus, queues',
    async () => {
      const database = await freshMysqlDatabase()
      const prefix = uniquePrefix('metrics')
      cleanups.push(database.drop, () => dropRedisPrefix(prefix))
      const app = await createAppWithCli(database.url, 'metered')
      const { node, metricsPort } = await metered({
        MYSQL_URL: database.url,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: prefix,
      })
      const token = await mintUserToken(app.id, app.secret, { sub: 'meter', name: 'Meter' })
      const room = await createRoom(node.url, app.id, token, 'metered room')
      const alice = await WsTestClient.authed(node.url, app.id, token)
      const again = await WsTestClient.authed(node.url, app.id, token) // the same user twice
      await alice.request('join', { room: room.id })
      for (let i = 0; i < 3; i++)
        expect(
          (await alice.request('send', { room: room.id, clientId: `m${i}`, text: `hi ${i}` })).error,
        ).toBe(undefined)
      expect(
        (await alice.request('send', { room: room.id, clientId: 'blank', text: '   ' })).error?.code,
      ).toBe('bad_request')

      // Acks come before the fan-out: scrape once the events are in.
      await alice.waitFor((f) => f.type === 'message' && f.message.text === 'hi 2')
      const metrics = await scrape(metricsPort)
      expect(metrics.value('roomful_info{mode="production"}')).toBe(1)
      expect(metrics.value('roomful_connections')).toBe(2)
      expect(metrics.value('roomful_authenticated_users')).toBe(1)
      expect(metrics.value('roomful_rooms_with_members')).toBe(1)
      // auth ×2, join, 4 sends
      expect(metrics.value('roomful_ws_frames_received_total')).toBe(7)
      // 7 replies, and the 3 messages as events on the room's topic.
      expect(metrics.value('roomful_ws_frames_sent_total')).toBeGreaterThanOrEqual(10)
      expect(metrics.value('roomful_sends_acked_total')).toBe(3)
      expect(metrics.value('roomful_sends_refused_total{code="bad_request"}')).toBe(1)
      expect(metrics.value('roomful_send_ack_seconds_count')).toBe(3)
      expect(metrics.value('roomful_send_ack_seconds_sum')).toBeGreaterThan(0)
      // The join notice and the 3 messages, in however many batches.
      expect(metrics.value('roomful_commit_batch_messages_sum')).toBe(4)
      expect(metrics.value('roomful_commit_seconds_count')).toBe(
        metrics.value('roomful_commit_batch_messages_count'),
      )
      expect(metrics.value('roomful_bus_publish_seconds_count')).toBeGreaterThanOrEqual(4)
      // The echo probe runs at start and every 5 s.
      expect(metrics.value('roomful_bus_echo_seconds_count')).toBeGreaterThanOrEqual(1)
      for (const queue of ['ranking', 'thumbnails', 'webhooks'])
        for (const state of ['waiting', 'delayed', 'active', 'failed'])
          expect(metrics.value(`roomful_job_queue_depth{queue="${queue}",state="${state}"}`)).toBeTypeOf(
            'number',
          )
      expect(metrics.families).toContain('roomful_store_errors_total')
      expect(metrics.families).toContain('nodejs_eventloop_lag_seconds')
      // No series is labelled with a room or user id.
      expect(metrics.text).not.toContain(room.id)
      expect(metrics.text).not.toContain('meter"')
      await Promise.all([alice.close(), again.close()])
    },
  )
})
