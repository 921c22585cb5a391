import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { base64url } from 'jose'
import { AUTH_TIMEOUT_MS, type ErrorEvent, type ServerFrame } from '@roomful/sdk/protocol'
import { mintUserToken } from '../support/tokens.js'
import { ALLOWED_ORIGIN, startTestServer, TEST_LIMITS, type TestServer } from '../support/test-server.js'
import { createRoom as createRoomAt } from '../support/rooms.js'
import { WsTestClient } from '../support/ws-client.js'

const isError = (f: ServerFrame): f is ErrorEvent => f.type === 'error'

describe('bad input gets its documented error or close, and costs nobody else anything', () => {
  let server: TestServer
  let bystander: WsTestClient
  let roomId: string
  beforeAll(async () => {
    server = await startTestServer('embedded')
    roomId = (await createRoomAt(server.url, server.app.id, await server.token('owner'), 'target')).id
    bystander = await WsTestClient.authed(server.url, server.app.id, await server.token('bystander'))
    await bystander.request('join', { room: roomId })
  })
  afterAll(async () => {
    // Everyone else was served throughout: the bystander can still chat.
    const reply = await bystander.request('send', {
      room: roomId,
      clientId: 'still-here',
      text: 'still served',
    })
    expect(reply.error).toBeUndefined()
    await bystander.close()
    await server?.stop()
  })

  const authed = async (sub: string) =>
    WsTestClient.authed(server.url, server.app.id, await server.token(sub))

  it('answers malformed JSON with an error frame and keeps the connection', async () => {
    const client = await authed('json')
    client.send('{not json')
    const error = await client.waitFor(isError)
    expect(error).toMatchObject({ error: { code: 'malformed_json' } })
    expect((await client.request('ping')).result).toBeTruthy()
    await client.close()
  })

  it('answers an unknown op and wrong field types with errors carrying the request id', async () => {
    const client = await authed('types')
    expect((await client.request('teleport')).error?.code).toBe('unknown_op')
    expect((await client.request('join', { room: 42 })).error?.code).toBe('bad_request')
    expect(
      (await client.request('send', { room: roomId, clientId: 'x', text: 'hi', extra: 1 })).error?.code,
    ).toBe('bad_request')
    expect((await client.request('join', { room: roomId, sinceSeq: -1 })).error?.code).toBe('bad_request')
    expect(
      (await client.request('send', { room: roomId, clientId: 'x', text: 'not joined' })).error?.code,
    ).toBe('not_joined')
    await client.request('join', { room: roomId })
    const tooLong = 'x'.repeat(TEST_LIMITS.maxMessageLength + 1)
    expect(
      (await client.request('send', { room: roomId, clientId: 'long', text: tooLong })).error?.code,
    ).toBe('message_too_long')
    expect((await client.request('ping')).result).toBeTruthy()
    await client.close()
  })

  it.each([
    ['just over the app limit', TEST_LIMITS.maxFrameBytes],
    ['64 KiB + 1', 64 * 1024 + 1],
    ['far over any limit', 200 * 1024],
  ])('closes with 1009 on an oversize frame (%s)', async (_label, size) => {
    const client = await authed('big')
    client.send(JSON.stringify({ op: 'ping', id: 'big', pad: 'x'.repeat(size) }))
    expect((await client.closed).code).toBe(1009)
  })

  it('drops a frame over the 1 MiB ceiling without a close frame (1006), as documented', async () => {
    const client = await authed('huge')
    client.send(JSON.stringify({ op: 'ping', id: 'huge', pad: 'x'.repeat(1024 * 1024) }))
    expect((await client.closed).code).toBe(1006)
  })

  it('answers a flood with rate-limit errors and then closes it', async () => {
    const client = await authed('flood')
    for (let i = 0; i < 400 && client.socket.readyState === client.socket.OPEN; i++)
      client.send({ op: 'ping', id: `f${i}` })
    const { code } = await client.closed
    expect(code).toBe(4101)
    const limited = client.frames.filter(
      (f) => f.type === 'reply' && 'error' in f && f.error.code === 'rate_limited',
    )
    expect(limited.length).toBeGreaterThan(0)
  })

  it('refuses requests before auth, and closes a socket that never authenticates', async () => {
    const client = await WsTestClient.connect(server.url, server.app.id)
    expect((await client.request('join', { room: roomId })).error?.code).toBe('unauthenticated')
    const started = Date.now()
    const { code } = await client.closed
    expect(code).toBe(4002)
    expect(Date.now() - started).toBeGreaterThan(AUTH_TIMEOUT_MS - 2_000)
  }, 20_000)

  it('refuses an expired token with the reconnect-after-refresh code', async () => {
    const client = await WsTestClient.connect(server.url, server.app.id)
    const expired = await mintUserToken(
      server.app.id,
      server.app.secret,
      { sub: 'late' },
      { expiresIn: Math.floor(Date.now() / 1000) - 60 },
    )
    expect((await client.request('auth', { token: expired })).error?.code).toBe('token_expired')
    expect((await client.closed).code).toBe(4100)
  })

  it('refuses alg none, another app’s token and a wrong audience with do-not-reconnect codes', async () => {
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))
    const claims = base64url.encode(
      JSON.stringify({
        sub: 'eve',
        iss: server.app.id,
        aud: 'roomful',
        exp: Math.floor(Date.now() / 1000) + 600,
      }),
    )
    const unsigned = `${header}.${claims}.`
    const otherApp = await mintUserToken(server.other.id, server.other.secret, { sub: 'eve' })
    const wrongAudience = await mintUserToken(
      server.app.id,
      server.app.secret,
      { sub: 'eve' },
      { audience: 'someone-else' },
    )
    const forgedWithOtherSecret = await mintUserToken(server.app.id, server.other.secret, { sub: 'eve' })
    for (const token of [unsigned, otherApp, wrongAudience, forgedWithOtherSecret]) {
      const client = await WsTestClient.connect(server.url, server.app.id)
      expect((await client.request('auth', { token })).error?.code).toBe('token_invalid')
      expect((await client.closed).code).toBe(4001)
    }
  })

  it('refuses the upgrade from a foreign origin, and CORS to it, but serves the allowed origin', async () => {
    // 403 before any socket exists: this node has read the app (the tests before did).
    await expect(
      WsTestClient.connect(server.url, server.app.id, { origin: 'https://evil.example' }),
    ).rejects.toThrow('Unexpected server response: 403')
    const allowed = await WsTestClient.connect(server.url, server.app.id, { origin: ALLOWED_ORIGIN })
    expect((await allowed.request('auth', { token: await server.token('friend') })).error).toBeUndefined()
    await allowed.close()

    const token = await server.token('friend')
    const evil = await fetch(`${server.url}/v1/apps/${server.app.id}/rooms`, {
      headers: { Authorization: `Bearer ${token}`, Origin: 'https://evil.example' },
    })
    expect(evil.status).toBe(403)
    expect(evil.headers.get('access-control-allow-origin')).toBeNull()
    const good = await fetch(`${server.url}/v1/apps/${server.app.id}/rooms`, {
      headers: { Authorization: `Bearer ${token}`, Origin: ALLOWED_ORIGIN },
    })
    expect(good.status).toBe(200)
    expect(good.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN)
  })

  it('closes a foreign origin with 4005 before reading a frame, on a node that has not read the app yet', async () => {
    // Created behind the node's back (as the admin CLI or another node does): not read here yet.
    const fresh = await server.drivers.apps.ensure({
      ...server.app,
      id: `fresh${Date.now().toString(36)}`,
    })
    const evil = await WsTestClient.connect(server.url, fresh.id, { origin: 'https://evil.example' })
    evil.send({ op: 'auth', id: 'a1', token: await mintUserToken(fresh.id, fresh.secret, { sub: 'evil' }) })
    expect(await evil.closed).toEqual({
      code: 4005,
      reason: `origin https://evil.example is not allowed for app ${fresh.id}`,
    })
    expect(evil.frames).toEqual([])
    // From now on the node has read it: the next foreign page gets no 101 at all.
    await expect(
      WsTestClient.connect(server.url, fresh.id, { origin: 'https://evil.example' }),
    ).rejects.toThrow('Unexpected server response: 403')
  })

  it('answers bad REST bodies with stable codes', async () => {
    const post = (body: string) =>
      fetch(`${server.url}/v1/apps/${server.app.id}/rooms`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${bystanderToken}`, 'Content-Type': 'application/json' },
        body,
      })
    const bystanderToken = await server.token('bystander')
    const malformed = await post('{')
    expect(malformed.status).toBe(400)
    expect(await malformed.json()).toMatchObject({ error: { code: 'malformed_json' } })
    const wrong = await post(JSON.stringify({ name: 7 }))
    expect(await wrong.json()).toMatchObject({ error: { code: 'bad_request' } })
    const noAuth = await fetch(`${server.url}/v1/apps/${server.app.id}/rooms`)
    expect(noAuth.status).toBe(401)
    const huge = await post(JSON.stringify({ name: 'x', topic: 'y'.repeat(100 * 1024) }))
    expect(huge.status).toBe(413)
    expect(await huge.json()).toMatchObject({ error: { code: 'payload_too_large' } })
    const noApp = await fetch(`${server.url}/v1/apps/nope/rooms`)
    expect(await noApp.json()).toMatchObject({ error: { code: 'app_not_found' } })
  })
})
