import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  CLOSE,
  type AuthSession,
  type Identity,
  type Sanction,
  type ServerFrame,
} from '@roomful/sdk/protocol'
import { adminClient, TEST_ADMIN_KEY } from '../support/admin-client.js'
import { createRoom } from '../support/rooms.js'
import { startTestServer, type TestServer } from '../support/test-server.js'
import { mintUserToken } from '../support/tokens.js'
import { WebhookReceiver } from '../support/webhook-receiver.js'
import { WsTestClient } from '../support/ws-client.js'

const sanctioned = (frame: ServerFrame): frame is { type: 'sanctioned'; sanction: Sanction } =>
  frame.type === 'sanctioned'

// The same basics as the two-node suite (backend/test/cluster/sanctions.test.ts), in one
// embedded process: the in-memory stores and bus.
describe('bans and mutes in embedded mode', () => {
  let server: TestServer
  const sockets: WsTestClient[] = []
  beforeAll(async () => {
    server = await startTestServer('embedded', { env: { ADMIN_KEY: TEST_ADMIN_KEY } })
  })
  afterAll(async () => {
    for (const socket of sockets) socket.terminate()
    await server?.stop()
  })

  const connect = async (sub: string, token?: string) => {
    const socket = await WsTestClient.authed(server.url, server.app.id, token ?? (await server.token(sub)))
    sockets.push(socket)
    return socket
  }
  const tryAuth = async (token: string) => {
    const socket = await WsTestClient.connect(server.url, server.app.id)
    sockets.push(socket)
    return { socket, reply: await socket.request<{ user: Identity }>('auth', { token }) }
  }
  const moderator = async (sub: string) =>
    connect(sub, await mintUserToken(server.app.id, server.app.secret, { sub, role: 'moderator' }))
  const room = async (name: string) =>
    (await createRoom(server.url, server.app.id, await server.token('owner'), name)).id
  const me = async (token: string) => {
    const res = await fetch(`${server.url}/v1/apps/${server.app.id}/me`, {
      headers: { Authorization: `Bearer ${token}` },
    })
    return { status: res.status, body: (await res.json()) as Identity & { error?: { code: string } } }
  }

  it('an app-wide ban closes the user’s sockets with 4007, refuses new tokens and REST, and ends when lifted', async () => {
    const [first, second] = [await connect('troll'), await connect('troll')]
    const mod = await moderator('mod')
    const { result } = await mod.request<{ sanction: Sanction }>('moderation.ban', {
      userId: 'troll',
      reason: 'trolling',
    })
    for (const socket of [first, second]) {
      expect((await socket.closed).code).toBe(CLOSE.banned)
      expect(socket.frames.find(sanctioned)?.sanction).toEqual(result!.sanction)
    }
    const refused = await tryAuth(await server.token('troll'))
    expect(refused.reply.error?.code).toBe('banned')
    expect((await refused.socket.closed).code).toBe(CLOSE.banned)
    expect((await me(await server.token('troll'))).body.error?.code).toBe('banned')

    await mod.request('moderation.unban', { userId: 'troll' })
    expect((await tryAuth(await server.token('troll'))).reply.error).toBeUndefined()
    expect((await me(await server.token('troll'))).status).toBe(200)
  })

  it('a mute refuses sends and edits with `muted` while messages still arrive; a room ban refuses that room only', async () => {
    const [here, there] = [await room('here'), await room('there')]
    const user = await connect('noisy')
    const other = await connect('other')
    for (const r of [here, there]) await user.request('join', { room: r })
    await other.request('join', { room: here })
    const mod = await moderator('mod2')

    await mod.request('moderation.mute', { userId: 'noisy', roomId: here, durationSeconds: 60 })
    await user.waitFor(sanctioned, 2_000)
    await other.request('send', { room: here, clientId: 'o1', text: 'you can read this' })
    await user.waitFor((f) => f.type === 'message' && f.message.text === 'you can read this')
    expect((await user.request('send', { room: here, clientId: 'n1', text: 'x' })).error?.code).toBe('muted')
    expect(
      (await user.request('send', { room: there, clientId: 'n2', text: 'fine here' })).error,
    ).toBeUndefined()

    await mod.request('moderation.ban', { userId: 'noisy', roomId: there })
    expect((await user.request('join', { room: there })).error?.code).toBe('banned')
    expect((await user.request('history', { room: here })).error).toBeUndefined()

    const list = await mod.request<{ sanctions: Sanction[] }>('moderation.sanctions', {})
    expect(list.result?.sanctions.map((s) => [s.kind, s.userId, s.roomId])).toEqual([
      ['ban', 'noisy', there],
      ['mute', 'noisy', here],
    ])
  })

  it('a ban sends the user.banned webhook, signed, with the documented payload', async () => {
    const receiver = await WebhookReceiver.start()
    try {
      const endpoint = await adminClient(server.url)('POST', `/apps/${server.app.id}/webhooks/endpoints`, {
        url: receiver.url,
        events: ['user.banned'],
      })
      expect(endpoint.status).toBe(201)
      const r = await room('hooked')
      const mod = await moderator('mod-hook')
      const { result } = await mod.request<{ sanction: Sanction }>('moderation.ban', {
        userId: 'hooked-user',
        roomId: r,
        durationSeconds: 60,
        reason: 'spam',
      })
      await mod.request('moderation.mute', { userId: 'hooked-user' })
      const deadline = Date.now() + 5_000
      while (receiver.received.length === 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20))
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(receiver.received).toHaveLength(1)
      const body = JSON.parse(receiver.received[0]!.body) as { type: string; data: unknown }
      const { kind: _, ...ban } = result!.sanction
      expect(body).toMatchObject({ type: 'user.banned', data: { appId: server.app.id, ban } })
      expect(receiver.received[0]!.headers['webhook-signature']).toMatch(/^v1,/)
    } finally {
      await receiver.stop()
    }
  })

  it('refuses the moderation ops to plain users with `forbidden`', async () => {
    const plain = await connect('plain')
    for (const op of ['moderation.ban', 'moderation.mute', 'moderation.unban', 'moderation.unmute'])
      expect((await plain.request(op, { userId: 'x' })).error?.code, op).toBe('forbidden')
    expect((await plain.request('moderation.sanctions')).error?.code).toBe('forbidden')
  })

  it('the admin key bans, lists and lifts over REST, and grants a hosted account the moderator role', async () => {
    const admin = adminClient(server.url)
    const base = `/apps/${server.app.id}/sanctions`
    const target = await connect('rest-target')
    expect((await admin('POST', base, { kind: 'ban', userId: 'rest-target' })).status).toBe(201)
    expect((await target.closed).code).toBe(CLOSE.banned)
    const listed = await admin<{ sanctions: Sanction[] }>('GET', `${base}?kind=ban`)
    expect(listed.body.sanctions.map((s) => s.userId)).toContain('rest-target')
    expect((await admin('DELETE', `${base}?kind=ban&userId=rest-target`)).status).toBe(204)
    expect((await tryAuth(await server.token('rest-target'))).reply.error).toBeUndefined()

    const signup = await fetch(`${server.url}/v1/apps/${server.app.id}/auth/signup`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'mod@example.com', password: 'long enough pw', displayName: 'Mod' }),
    })
    const session = (await signup.json()) as AuthSession
    expect((await me(session.accessToken)).body.moderator).toBeUndefined()
    const granted = await admin('POST', `/apps/${server.app.id}/moderators`, { userId: session.user.id })
    expect(granted).toMatchObject({ status: 201, body: { userId: session.user.id, grantedBy: 'admin' } })
    expect((await me(session.accessToken)).body.moderator).toBe(true)
    const hosted = await connect('hosted', session.accessToken)
    expect((await hosted.request('moderation.sanctions')).error).toBeUndefined()
    expect((await admin('DELETE', `/apps/${server.app.id}/moderators/${session.user.id}`)).status).toBe(204)
    expect((await me(session.accessToken)).body.moderator).toBeUndefined()

    // Every one of those actions is in the audit log, newest first.
    const log = await admin<{ entries: Array<Record<string, unknown>> }>(
      'GET',
      `/apps/${server.app.id}/audit`,
    )
    expect(log.body.entries.slice(0, 4).map((e) => [e.action, e.actor, e.targetUserId])).toEqual([
      ['moderator.revoke', 'admin', session.user.id],
      ['moderator.grant', 'admin', session.user.id],
      ['user.unban', 'admin', 'rest-target'],
      ['user.ban', 'admin', 'rest-target'],
    ])
  })
})
