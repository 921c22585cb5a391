import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAdmin, UsageError } from '../../src/cli/admin-commands.js'
import { createProductionDrivers } from '../../src/drivers/drivers.production.js'
import { createRoom } from '../support/rooms.js'
import {
  dropRedisPrefix,
  freshMysqlDatabase,
  servicesAvailable,
  TEST_REDIS_URL,
  uniquePrefix,
} from '../support/services.js'
import { freePort } from '../support/start-backend.js'
import { startTestServer, type TestServer } from '../support/test-server.js'
import { mintUserToken } from '../support/tokens.js'
import { WebhookReceiver } from '../support/webhook-receiver.js'
import { WsTestClient } from '../support/ws-client.js'

// The CLI works on MySQL (and BullMQ to redeliver), so it is tested against MariaDB + Redis only.
const run = (await servicesAvailable()) ? describe : describe.skip

run('admin CLI: webhooks (production)', () => {
  let database: Awaited<ReturnType<typeof freshMysqlDatabase>>
  let server: TestServer
  let receiver: WebhookReceiver | undefined
  const prefix = uniquePrefix('webhooks-cli')
  beforeAll(async () => {
    database = await freshMysqlDatabase()
    const drivers = await createProductionDrivers({
      mysqlUrl: database.url,
      redisUrl: TEST_REDIS_URL,
      prefix,
    })
    server = await startTestServer('production', {
      drivers,
      env: { WEBHOOK_ALLOW_LOOPBACK: 'true', WEBHOOK_ATTEMPTS: '2', WEBHOOK_BACKOFF_MS: '100' },
    })
  })
  afterAll(async () => {
    await server?.stop()
    await receiver?.stop()
    await database?.drop()
    await dropRedisPrefix(prefix)
  })

  const env = () => ({
    MYSQL_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    WEBHOOK_ALLOW_LOOPBACK: 'true',
  })
  const admin = async (...argv: string[]) => {
    const lines: string[] = []
    const code = await runAdmin(argv, { env: env(), print: (l) => lines.push(l) })
    return { code, out: lines.join('\n') }
  }

  it('registers an endpoint, lists the dead letter of a receiver that is down, and redelivers it', async () => {
    const app = JSON.parse((await admin('create-app', 'hooks_site')).out) as { id: string; secret: string }
    const port = await freePort()
    const url = `http://127.0.0.1:${port}/hooks`
    const added = await admin('add-webhook', app.id, url, '--event', 'message.created')
    expect(added.code).toBe(0)
    const endpoint = JSON.parse(added.out) as { id: string; secret: string; events: string[] }
    expect(endpoint).toMatchObject({ url, events: ['message.created'], enabled: true })
    expect(endpoint.secret).toMatch(/^whsec_/)
    expect((await admin('list-webhooks', app.id)).out).toBe(
      `${endpoint.id}\tenabled\tmessage.created\t${url}`,
    )
    expect((await admin('get-webhook', app.id, endpoint.id)).out).not.toContain(endpoint.secret)

    const token = await mintUserToken(app.id, app.secret, { sub: 'ann' })
    const room = await createRoom(server.url, app.id, token, 'lobby')
    const ann = await WsTestClient.authed(server.url, app.id, token)
    await ann.request('join', { room: room.id })
    await ann.request('send', { room: room.id, clientId: 'c1', text: 'hello from the CLI test' })
    await ann.close()

    let dead = ''
    for (const deadline = Date.now() + 15_000; !dead && Date.now() < deadline;) {
      dead = (await admin('list-deliveries', app.id, '--dead')).out
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const [deliveryId, status, attempts] = dead.split('\t')
    expect(deliveryId).toMatch(/^msg_/)
    expect([status, attempts]).toEqual(['dead', '2 attempt(s)'])
    expect(dead).toMatch(/ECONNREFUSED/)

    receiver = await WebhookReceiver.start(() => ({ status: 200 }), port)
    expect(JSON.parse((await admin('redeliver', app.id, deliveryId!)).out)).toMatchObject({
      id: deliveryId,
      status: 'pending',
    })
    const [request] = await receiver.waitFor(1)
    expect(request!.headers['webhook-id']).toBe(deliveryId)
    const event = new Webhook(endpoint.secret).verify(request!.body, request!.headers) as {
      data: { message: { text: string } }
    }
    expect(event.data.message.text).toBe('hello from the CLI test')
    expect((await admin('list-deliveries', app.id, '--dead')).out).toBe('')
    expect((await admin('list-deliveries', app.id)).out).toMatch(new RegExp(`^${deliveryId}\tdelivered\t`))

    const rotated = JSON.parse(
      (await admin('rotate-webhook-secret', app.id, endpoint.id, '--keep-old-for', '1h')).out,
    )
    expect(rotated.secret).not.toBe(endpoint.secret)
    expect(rotated.previousSecretExpiresAt).toEqual(expect.any(String))
    expect(JSON.parse((await admin('update-webhook', app.id, endpoint.id, '--disable')).out).enabled).toBe(
      false,
    )
    expect((await admin('delete-webhook', app.id, endpoint.id)).out).toBe(`deleted ${endpoint.id}`)
    expect((await admin('list-webhooks', app.id)).out).toBe('')
  })

  it('reports refusals as usage errors', async () => {
    await admin('create-app', 'hooks_refusals')
    await expect(
      admin('add-webhook', 'hooks_refusals', 'https://10.1.2.3/h', '--event', 'message.created'),
    ).rejects.toThrow(/10\.1\.2\.3 is a private/)
    await expect(admin('add-webhook', 'hooks_refusals', 'https://93.184.216.34/h')).rejects.toThrow(
      /events must be/,
    )
    await expect(
      admin('add-webhook', 'hooks_refusals', 'https://93.184.216.34/h', '--event', 'message.edited'),
    ).rejects.toThrow(/not message\.edited/)
    await expect(
      admin('add-webhook', 'no_such_app', 'https://93.184.216.34/h', '--event', 'user.banned'),
    ).rejects.toThrow(/no app "no_such_app"/)
    await expect(admin('get-webhook', 'hooks_refusals')).rejects.toBeInstanceOf(UsageError)
    await expect(admin('redeliver', 'hooks_refusals', 'msg_unknown')).rejects.toThrow(
      /unable to find webhook delivery/,
    )
    const lines: string[] = []
    await expect(
      runAdmin(['redeliver', 'hooks_refusals', 'msg_x'], {
        env: { MYSQL_URL: database.url },
        print: (l) => lines.push(l),
      }),
    ).rejects.toThrow(/needs REDIS_URL/)
  })
})
