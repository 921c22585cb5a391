import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { base64url } from 'jose'
import { clientFrameSchemas, type Op } from '@roomful/sdk/protocol'
import { fullPath } from '../../src/http/route.js'
import { routes } from '../../src/routes.js'
import { modesToTest } from '../support/modes.js'
import { PROTOTYPE_KEYS, withKey } from '../support/prototype-keys.js'
import { createRoom } from '../support/rooms.js'
import { startTestServer, type TestServer } from '../support/test-server.js'
import { mintUserToken } from '../support/tokens.js'
import { WsTestClient } from '../support/ws-client.js'

const ADMIN_KEY = 'admin-key-for-strict-input-0123456789'
const LONG_ID = 'a'.repeat(300)

/** A token whose header names a `kid` no key of the app has; only its header is ever read. */
function tokenWithKid(issuer: string, kid: string): string {
  const part = (value: object) => base64url.encode(JSON.stringify(value))
  const exp = Math.floor(Date.now() / 1000) + 3600
  return `${part({ alg: 'ES256', kid })}.${part({ iss: issuer, sub: 'kid-user', aud: 'roomful', exp })}.AAAA`
}

describe.each(await modesToTest())('strict input at the edges (%s mode)', (mode) => {
  let server: TestServer
  let roomId: string
  beforeAll(async () => {
    server = await startTestServer(mode, { env: { ADMIN_KEY } })
    roomId = (await createRoom(server.url, server.app.id, await server.token('owner'), 'strict')).id
  })
  afterAll(async () => server?.stop())

  // A valid frame of every op (the type makes a new op need one here).
  const validFrames = (
    token: string,
    messageId: string,
    extra: { reportId: string; spareRoom: string },
  ): { [O in Op]: Record<string, unknown> } => ({
    auth: { token },
    join: { room: roomId },
    leave: { room: roomId },
    send: { room: roomId, clientId: 'c1', text: 'hello' },
    edit: { room: roomId, messageId, text: 'hello again' },
    delete: { room: roomId, messageId },
    'room.update': { room: roomId, slowModeSeconds: 0 },
    'room.delete': { room: extra.spareRoom },
    report: { room: roomId, messageId, reason: 'spam' },
    'reports.list': { status: 'open' },
    'report.resolve': { reportId: extra.reportId },
    history: { room: roomId },
    typing: { room: roomId },
    'ranking.subscribe': {},
    'ranking.unsubscribe': {},
    'rooms.subscribe': {},
    'rooms.unsubscribe': {},
    'moderation.ban': { userId: 'strict-target', roomId, durationSeconds: 60, reason: 'spam' },
    'moderation.mute': { userId: 'strict-target' },
    'moderation.unban': { userId: 'strict-target', roomId },
    'moderation.unmute': { userId: 'strict-target' },
    'moderation.sanctions': { kind: 'ban' },
    ping: {},
  })

  it.each(Object.keys(clientFrameSchemas) as Op[])(
    'a %s frame with a prototype-named key is bad_request, and without it passes',
    async (op) => {
      // Moderation ops (sanctions, room settings, room deletes, report listings) are refused to
      // plain users: their valid frame is a moderator's.
      const token =
        op.startsWith('moderation.') ||
        ['room.update', 'room.delete', 'reports.list', 'report.resolve'].includes(op)
          ? await mintUserToken(server.app.id, server.app.secret, { sub: `proto-${op}`, role: 'moderator' })
          : await server.token(`proto-${op}`)
      const client = await WsTestClient.authed(server.url, server.app.id, token)
      if (op !== 'join') await client.request('join', { room: roomId })
      // Edit, delete and reports need a message of this user's to act on.
      const own =
        op === 'edit' || op === 'delete' || op === 'report' || op === 'report.resolve'
          ? await client.request('send', { room: roomId, clientId: `own-${op}`, text: 'mine' })
          : null
      const ownId = (own?.result as { message: { id: string } } | undefined)?.message.id ?? 'none'
      const reported =
        op === 'report.resolve'
          ? await client.request('report', { room: roomId, messageId: ownId, reason: 'to resolve' })
          : null
      const reportId = (reported?.result as { report: { id: string } } | undefined)?.report.id ?? 'none'
      const spareRoom =
        op === 'room.delete'
          ? (await createRoom(server.url, server.app.id, await server.token('owner'), 'spare')).id
          : 'none'
      const fields = validFrames(token, ownId, { reportId, spareRoom })[op]
      for (const [n, key] of PROTOTYPE_KEYS.entries()) {
        const id = `k${n}`
        client.send(withKey({ op, id, ...fields }, key))
        const reply = await client.waitFor((f) => f.type === 'reply' && f.id === id)
        expect(reply, key).toMatchObject({
          error: { code: 'bad_request', message: `unable to handle ${op}; ${key} is not a known field` },
        })
      }
      const valid = await client.request(op, fields)
      expect(valid.error, `valid ${op}`).toBeUndefined()
      await client.close()
    },
  )

  // Every route that reads a JSON body, from the route table itself.
  const jsonRoutes = routes.filter((r) => r.body?.contentType === 'application/json')
  it('finds the JSON body routes in the route table', () => {
    expect(jsonRoutes.map((r) => r.operationId)).toEqual(
      expect.arrayContaining(['signup', 'login', 'createRoom', 'adminCreateApp']),
    )
  })

  it.each(jsonRoutes.map((r) => [`${r.method.toUpperCase()} ${fullPath(r)}`, r] as const))(
    '%s refuses each prototype-named body key with 400 bad_request',
    async (_label, route) => {
      const path = fullPath(route)
        .replace(':appId', server.app.id)
        .replace(':roomId', roomId)
        .replace(/:[A-Za-z]+/g, 'x1')
      const authorization =
        route.scope === 'admin'
          ? `Bearer ${ADMIN_KEY}`
          : route.access === 'none'
            ? undefined
            : `Bearer ${await server.token('rest-proto')}`
      for (const key of PROTOTYPE_KEYS) {
        const res = await fetch(`${server.url}${path}`, {
          method: route.method.toUpperCase(),
          headers: {
            'Content-Type': 'application/json',
            ...(authorization && { Authorization: authorization }),
          },
          body: withKey({}, key),
        })
        const body = (await res.json()) as { error?: { code: string; message: string } }
        expect({ status: res.status, ...body.error }, key).toEqual({
          status: 400,
          code: 'bad_request',
          message: `unable to accept the body; ${key} is not a known field`,
        })
      }
    },
  )

  it.each([
    ['a non-ASCII app id', 'é'],
    ['a 300-character app id', LONG_ID],
    ['an app id with a separator', 'a:b'],
  ])('closes a socket naming %s with 4003, not 1011', async (_label, appId) => {
    const client = await WsTestClient.connect(server.url, appId)
    const { code, reason } = await client.closed
    expect(code).toBe(4003)
    expect(reason).toBe('unable to find app; an app id is 1..64 characters of A-Z a-z 0-9 _ -')
  })

  it.each([
    ['a non-ASCII app id', '/v1/apps/é/rooms'],
    ['a percent-encoded non-ASCII app id', '/v1/apps/%C3%A9/rooms'],
    ['a 300-character app id', `/v1/apps/${LONG_ID}/rooms`],
  ])('answers REST naming %s with 404 app_not_found, not 500', async (_label, path) => {
    const res = await fetch(`${server.url}${path}`)
    expect(res.status).toBe(404)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('app_not_found')
  })

  it.each([
    ['non-ASCII', 'é'],
    ['300 characters', LONG_ID],
  ])('answers a room id of %s with room_not_found over REST and bad_request on join', async (_l, room) => {
    const res = await fetch(`${server.url}/v1/apps/${server.app.id}/rooms/${encodeURIComponent(room)}`, {
      headers: { Authorization: `Bearer ${await server.token('room-ids')}` },
    })
    expect(res.status).toBe(404)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('room_not_found')
    const client = await WsTestClient.authed(server.url, server.app.id, await server.token('room-ids'))
    expect((await client.request('join', { room })).error?.code).toBe('bad_request')
    expect((await client.request('ping')).result).toBeTruthy()
    await client.close()
  })

  it('closes a socket that sends a binary frame with 1003', async () => {
    const client = await WsTestClient.authed(server.url, server.app.id, await server.token('binary'))
    client.socket.send(Buffer.from(JSON.stringify({ op: 'ping', id: 'b1' })), { binary: true })
    expect((await client.closed).code).toBe(1003)
    expect(client.frames.some((f) => f.type === 'reply' && f.id === 'b1')).toBe(false)
  })

  it('closes with 1003 on a binary frame sent before the app was looked up', async () => {
    const client = await WsTestClient.connect(server.url, server.app.id)
    client.socket.send(Buffer.from('{}'), { binary: true })
    expect((await client.closed).code).toBe(1003)
  })

  it('echoes at most about 100 characters of a 5,000-character kid', async () => {
    // `other` keeps the default frame limit, which a 5,000-character kid fits.
    const client = await WsTestClient.connect(server.url, server.other.id)
    const kid = 'k'.repeat(5000)
    const reply = await client.request('auth', { token: tokenWithKid(server.other.id, kid) })
    expect(reply.error?.code).toBe('token_invalid')
    expect(reply.error?.message).toContain(`"${'k'.repeat(100)}…"`)
    expect(reply.error!.message.length).toBeLessThan(200)
    expect((await client.closed).code).toBe(4001)
  })

  it('echoes at most about 100 characters of a 5,000-character field name or op', async () => {
    const client = await WsTestClient.connect(server.url, server.other.id)
    const name = 'f'.repeat(5000)
    const field = await client.request('ping', { [name]: 1 })
    expect(field.error).toEqual({
      code: 'bad_request',
      message: `unable to handle ping; ${'f'.repeat(100)}… is not a known field`,
    })
    const op = await client.request('o'.repeat(5000))
    expect(op.error?.code).toBe('unknown_op')
    expect(op.error!.message.length).toBeLessThan(200)
    const res = await fetch(`${server.url}/v1/apps/${server.app.id}/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ [name]: 1 }),
    })
    expect(res.status).toBe(400)
    const { error } = (await res.json()) as { error: { message: string } }
    expect(error.message).toBe(`unable to accept the body; ${'f'.repeat(100)}… is not a known field`)
    await client.close()
  })
})
