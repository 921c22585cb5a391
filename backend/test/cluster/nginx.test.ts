import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createClient, type Client, type Message, type Room } from '@roomful/sdk'
import { createAppWithCli } from '../support/admin-cli.js'
import { findNginx, startNginx, type Nginx } from '../support/nginx.js'
import {
  dropRedisPrefix,
  freshMysqlDatabase,
  servicesAvailable,
  TEST_REDIS_URL,
  uniquePrefix,
} from '../support/services.js'
import { startBackend, type BackendProcess } from '../support/start-backend.js'
import { exchange, header, parseResponses } from '../support/strict-http.js'
import { mintUserToken } from '../support/tokens.js'

const ADMIN_KEY = 'admin-key-behind-nginx-0123456789'
const SITE = 'https://site.example'
const available = await servicesAvailable()
const nginxBinary = findNginx()
if (!nginxBinary) {
  if (process.env.CI) throw new Error('unable to run the nginx test; nginx is not installed (CI requires it)')
  console.warn('\n!!! nginx not found: THE NGINX DEPLOYMENT TEST IS SKIPPED (apt-get install -y nginx).\n')
}

interface Relayed {
  method: string
  url: string
  status: number
  headers: Headers
}

describe.runIf(available && nginxBinary)(
  'three production nodes behind nginx with the shipped config',
  () => {
    let nodes: BackendProcess[] = []
    let nginx: Nginx
    let app: { id: string; secret: string }
    let roomId: string
    const cleanups: Array<() => Promise<void>> = []
    const clients: Client[] = []
    /** Every HTTP response the SDK clients got through nginx. */
    const relayed: Relayed[] = []
    const recordingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init)
      const url = input instanceof Request ? input.url : String(input)
      relayed.push({ method: init?.method ?? 'GET', url, status: response.status, headers: response.headers })
      return response
    }

    beforeAll(async () => {
      const database = await freshMysqlDatabase()
      const prefix = uniquePrefix('nginx')
      cleanups.push(database.drop, () => dropRedisPrefix(prefix))
      app = await createAppWithCli(database.url, 'proxied', ['--origin', SITE])
      const env = { MYSQL_URL: database.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, ADMIN_KEY }
      nodes = await Promise.all([0, 1, 2].map((i) => startBackend({ env: { ...env, NODE_ID: `nx-${i}` } })))
      nginx = await startNginx(
        nginxBinary!,
        nodes.map((node) => `127.0.0.1:${node.port}`),
      )
    }, 90_000)

    afterAll(async () => {
      for (const client of clients) client.close()
      await nginx?.stop()
      await Promise.all(nodes.map((node) => node.kill()))
      for (const cleanup of cleanups) await cleanup()
    })

    const connect = async (sub: string) => {
      const client = createClient({
        url: nginx.url,
        appId: app.id,
        token: await mintUserToken(app.id, app.secret, { sub, name: sub.toUpperCase() }),
        WebSocket,
        fetch: recordingFetch,
        backoff: { min: 50, max: 400 },
      })
      clients.push(client)
      return client
    }
    const socketsPerNode = async () =>
      Promise.all(
        nodes
          .filter((node) => node.child.exitCode === null)
          .map(
            async (node) =>
              ((await (await fetch(`${node.url}/readyz`)).json()) as { connections: number }).connections,
          ),
      )

    it('lets SDK clients on different nodes chat, and survive a node’s SIGTERM with nothing lost or repeated', async () => {
      const owner = await connect('owner')
      roomId = (await owner.rooms.create({ name: 'through nginx' })).id
      const members: Array<{ name: string; room: Room; seen: Message[] }> = []
      for (const name of ['ann', 'ben', 'cat']) {
        const room = (await connect(name)).room(roomId)
        const seen: Message[] = []
        room.on('message', (m) => seen.push(m))
        await room.join()
        members.push({ name, room, seen })
      }
      // least_conn gives each new socket to the node with the fewest: one per node.
      expect(await socketsPerNode()).toEqual([1, 1, 1])

      const sent: string[] = []
      const sendAll = async (round: string, count: number, gapMs: number) =>
        Promise.all(
          members.map(async ({ name, room }) => {
            for (let i = 0; i < count; i++) {
              const text = `${round} ${name} ${i}`
              sent.push(text)
              const message = await room.send({ text })
              expect(message.text).toBe(text)
              await new Promise((resolve) => setTimeout(resolve, gapMs))
            }
          }),
        )
      await sendAll('before', 2, 0)

      // One node is told to stop while every member keeps sending.
      const victim = nodes[0]!
      const exit = new Promise<number | null>((resolve) => victim.child.once('exit', resolve))
      const sending = sendAll('during', 8, 40)
      await new Promise((resolve) => setTimeout(resolve, 120))
      victim.child.kill('SIGTERM')
      expect(await exit).toBe(0)
      await sending
      await sendAll('after', 2, 0)

      const texts = (seen: Message[]) => seen.filter((m) => m.kind === 'text').map((m) => m.text)
      for (const { seen } of members) {
        await expect.poll(() => texts(seen).length, { timeout: 20_000 }).toBe(sent.length)
        // Every message once, in one order for everybody, with no seq skipped.
        expect([...texts(seen)].sort()).toEqual([...sent].sort())
        const seqs = seen.map((m) => m.seq)
        expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i))
      }
      expect(texts(members[1]!.seen)).toEqual(texts(members[0]!.seen))
      expect(texts(members[2]!.seen)).toEqual(texts(members[0]!.seen))
      // The sockets of the stopped node moved to the other two.
      expect((await socketsPerNode()).reduce((a, b) => a + b)).toBe(3)

      // Presence, read over REST through nginx, counts each member once again.
      await expect.poll(async () => (await owner.rooms.get(roomId)).occupancy, { timeout: 20_000 }).toBe(3)
      // The log, read through nginx, holds each message exactly once.
      const history = await owner.room(roomId).history({ limit: 100 })
      expect(
        history.messages
          .filter((m) => m.kind === 'text')
          .map((m) => m.text)
          .sort(),
      ).toEqual([...sent].sort())
      console.log(
        `nginx: ${sent.length} messages from 3 members on 3 nodes, one node drained mid-stream; ` +
          `sockets per node after: ${(await socketsPerNode()).join(', ')}`,
      )
    }, 120_000)

    it('relays only valid HTTP: 204s without a length, a clean 101, lengths that match', async () => {
      const port = nginx.port
      const livez = 'GET /livez HTTP/1.1\r\nHost: chat.example\r\nConnection: close\r\n\r\n'
      /** `request` and a pipelined GET /livez through nginx, parsed strictly. */
      const viaNginx = async (method: string, request: string) => {
        const [response, next] = parseResponses(await exchange(port, request + livez), [method, 'GET'])
        expect(next!.status).toBe(200)
        return response!
      }

      const preflight = await viaNginx(
        'OPTIONS',
        `OPTIONS /v1/apps/${app.id}/rooms HTTP/1.1\r\nHost: chat.example\r\nOrigin: ${SITE}\r\n` +
          'Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: authorization\r\n\r\n',
      )
      expect(preflight.status).toBe(204)
      expect(header(preflight, 'access-control-allow-origin')).toBe(SITE)

      const signup = await fetch(`${nginx.url}/v1/apps/${app.id}/auth/signup`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: 'proxied@example.com', password: 'correct horse', displayName: 'P' }),
      })
      const { refreshToken } = (await signup.json()) as { refreshToken: string }
      const body = JSON.stringify({ refreshToken })
      const logout = await viaNginx(
        'POST',
        `POST /v1/apps/${app.id}/auth/logout HTTP/1.1\r\nHost: chat.example\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      )
      expect(logout.status).toBe(204)

      const created = await fetch(`${nginx.url}/v1/admin/apps`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ id: 'short-lived' }),
      })
      expect(created.status).toBe(201)
      const deleted = await viaNginx(
        'DELETE',
        `DELETE /v1/admin/apps/short-lived HTTP/1.1\r\nHost: chat.example\r\nAuthorization: Bearer ${ADMIN_KEY}\r\n\r\n`,
      )
      expect(deleted.status).toBe(204)

      const token = await mintUserToken(app.id, app.secret, { sub: 'reader' })
      const room = await viaNginx(
        'GET',
        `GET /v1/apps/${app.id}/rooms/${roomId} HTTP/1.1\r\nHost: chat.example\r\nAuthorization: Bearer ${token}\r\n\r\n`,
      )
      expect(room.status).toBe(200)
      expect(JSON.parse(room.body.toString())).toMatchObject({ id: roomId })
      const missing = await viaNginx(
        'GET',
        `GET /v1/apps/${app.id}/rooms/r_nope HTTP/1.1\r\nHost: chat.example\r\n\r\n`,
      )
      expect(missing.status).toBe(401)
      expect(JSON.parse(missing.body.toString())).toMatchObject({ error: { code: 'unauthenticated' } })
      // A HEAD answer has no body whatever its length says; parsing it checks just that.
      await viaNginx('HEAD', 'HEAD /v1/apps/nope/rooms HTTP/1.1\r\nHost: chat.example\r\n\r\n')

      const [switching] = parseResponses(
        await exchange(
          port,
          `GET /v1/ws?app=${app.id} HTTP/1.1\r\nHost: chat.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n' +
            `Sec-WebSocket-Protocol: roomful.v1\r\nOrigin: ${SITE}\r\n\r\n`,
          { headOnly: true },
        ),
        ['GET'],
      )
      expect(switching!.status).toBe(101)
      expect(header(switching!, 'sec-websocket-accept')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=')
      expect(header(switching!, 'sec-websocket-protocol')).toBe('roomful.v1')

      // What the SDK got through nginx in the chat above (room creation, history) was sound too.
      expect(relayed.length).toBeGreaterThanOrEqual(2)
      for (const response of relayed) {
        expect(response.status, `${response.method} ${response.url}`).toBeLessThan(500)
        if (response.status === 204) expect(response.headers.get('content-length')).toBeNull()
      }
      // nginx turned nothing into a 502/504 (it does when a node's response is malformed).
      const log = await nginx.accessLog()
      expect(log.filter((line) => /^50[24] /.test(line))).toEqual([])
      console.log(
        `nginx relayed ${log.length} requests; 204 preflight as relayed: ${JSON.stringify(preflight.raw)}`,
      )
    })
  },
)
