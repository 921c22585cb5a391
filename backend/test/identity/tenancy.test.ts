import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page, RankingBoard, Room } from '@roomful/sdk/protocol'
import { modesToTest } from '../support/modes.js'
import { startTestServer, type TestServer } from '../support/test-server.js'
import { mintUserToken } from '../support/tokens.js'
import { WsTestClient } from '../support/ws-client.js'

const modes = await modesToTest()
const ADMIN_KEY = 'test-admin-key-0123456789abcdef'
const REFRESH_WINDOW_MS = 400

describe.each(modes)('tenancy, token expiry and guests (%s)', (mode) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(mode, {
      env: { TOKEN_REFRESH_WINDOW_MS: String(REFRESH_WINDOW_MS), ADMIN_KEY },
    })
  })
  afterAll(async () => server?.stop())

  const rest = async (appId: string, path: string, init: { token?: string; body?: unknown } = {}) => {
    const res = await fetch(`${server.url}/v1/apps/${appId}${path}`, {
      method: init.body === undefined ? 'GET' : 'POST',
      headers: {
        ...(init.body !== undefined && { 'Content-Type': 'application/json' }),
        ...(init.token && { Authorization: `Bearer ${init.token}` }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    })
    return { status: res.status, body: (await res.json()) as Record<string, any> } // eslint-disable-line @typescript-eslint/no-explicit-any
  }
  const otherToken = (sub: string) => mintUserToken(server.other.id, server.other.secret, { sub })
  const epoch = () => Math.floor(Date.now() / 1000)

  it("keeps app B's users out of everything of app A, over REST and WebSocket", async () => {
    const aliceToken = await server.token('alice')
    const room = (await rest(server.app.id, '/rooms', { token: aliceToken, body: { name: 'A only' } }))
      .body as Room
    const alice = await WsTestClient.authed(server.url, server.app.id, aliceToken)
    await alice.request('join', { room: room.id })
    expect((await alice.request('send', { room: room.id, clientId: 'c1', text: 'secret of A' })).error).toBe(
      undefined,
    )

    // A's token is refused by every route of app B, and B's by every route of app A.
    const bobToken = await otherToken('bob')
    for (const [appId, token] of [
      [server.other.id, aliceToken],
      [server.app.id, bobToken],
    ] as const) {
      for (const path of ['/me', '/rooms', `/rooms/${room.id}`, `/rooms/${room.id}/messages`, '/ranking'])
        expect((await rest(appId, path, { token })).body.error?.code, path).toBe('token_invalid')
      expect((await rest(appId, '/rooms', { token, body: { name: 'x' } })).body.error?.code).toBe(
        'token_invalid',
      )
    }

    // With its own valid token, app B sees nothing of A's room.
    expect((await rest(server.other.id, `/rooms/${room.id}`, { token: bobToken })).status).toBe(404)
    expect((await rest(server.other.id, `/rooms/${room.id}/messages`, { token: bobToken })).status).toBe(404)
    const bRooms = (await rest(server.other.id, '/rooms', { token: bobToken })).body as Page<Room>
    expect(bRooms.items.map((r) => r.id)).not.toContain(room.id)
    const bRanking = (await rest(server.other.id, '/ranking', { token: bobToken })).body as RankingBoard
    expect(bRanking.entries.map((e) => e.roomId)).not.toContain(room.id)

    // Over WebSocket: A's token does not authenticate on B...
    const crossing = await WsTestClient.connect(server.url, server.other.id)
    expect((await crossing.request('auth', { token: aliceToken })).error?.code).toBe('token_invalid')
    expect((await crossing.closed).code).toBe(4001)
    // ...and B's user cannot join, read, send to or see the presence of A's room.
    const bob = await WsTestClient.authed(server.url, server.other.id, bobToken)
    await bob.request('rooms.subscribe')
    const board = await bob.request<{ board: RankingBoard }>('ranking.subscribe')
    expect(board.result!.board.entries.map((e) => e.roomId)).not.toContain(room.id)
    expect((await bob.request('join', { room: room.id })).error?.code).toBe('room_not_found')
    expect((await bob.request('history', { room: room.id })).error?.code).toBe('room_not_found')
    expect((await bob.request('send', { room: room.id, clientId: 'x', text: 'hi' })).error?.code).toBe(
      'not_joined',
    )
    expect((await bob.request('typing', { room: room.id })).error?.code).toBe('not_joined')
    // A's lobby and live traffic never reach B's socket.
    const later = (await rest(server.app.id, '/rooms', { token: aliceToken, body: { name: 'A later' } }))
      .body as Room
    await alice.request('send', { room: room.id, clientId: 'c2', text: 'more of A' })
    await alice.waitFor((f) => f.type === 'message' && f.message.text === 'more of A')
    await new Promise((resolve) => setTimeout(resolve, 300))
    // Replies to B's own probes name the room; no event may.
    const leaked = JSON.stringify(bob.frames.filter((f) => f.type !== 'reply'))
    expect(leaked).not.toContain(room.id)
    expect(leaked).not.toContain(later.id)
    expect(leaked).not.toContain('of A')
    await Promise.all([alice.close(), bob.close()])
  })

  it('closes a socket with 4100 once its token has been expired for the refresh window', async () => {
    const exp = epoch() + 1
    const token = await mintUserToken(server.app.id, server.app.secret, { sub: 'erin' }, { expiresIn: exp })
    const erin = await WsTestClient.authed(server.url, server.app.id, token)
    const closed = await erin.closed
    expect(closed.code).toBe(4100)
    // Not before the window after exp ran out (timers may fire a few ms early).
    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000 + REFRESH_WINDOW_MS - 20)
    expect(erin.frames.filter((f) => f.type !== 'reply')).toEqual([])
  })

  it('keeps a socket open when the same user re-authenticates within the window, and refuses another user', async () => {
    const short = await mintUserToken(
      server.app.id,
      server.app.secret,
      { sub: 'fay' },
      { expiresIn: epoch() + 1 },
    )
    const fay = await WsTestClient.authed(server.url, server.app.id, short)
    const switching = await fay.request('auth', { token: await server.token('mallory') })
    expect(switching.error?.code).toBe('bad_request')
    // Wait until the token has expired, then refresh inside the window.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, (epoch() + 1) * 1000 - Date.now()) + 50))
    const refreshed = await fay.request<{ user: { id: string } }>('auth', {
      token: await server.token('fay'),
    })
    expect(refreshed.result?.user.id).toBe('fay')
    await new Promise((resolve) => setTimeout(resolve, 2_000 + REFRESH_WINDOW_MS))
    expect((await fay.request('ping')).error).toBe(undefined)
    await fay.close()
  })

  it('lets guests read but not send, only once the app allows guests', async () => {
    const owner = await server.token('owner')
    const room = (await rest(server.app.id, '/rooms', { token: owner, body: { name: 'open house' } }))
      .body as Room
    const poster = await WsTestClient.authed(server.url, server.app.id, owner)
    await poster.request('join', { room: room.id })
    await poster.request('send', { room: room.id, clientId: 'g1', text: 'hello guests' })

    // Not allowed yet: no token, no reading.
    expect((await rest(server.app.id, '/rooms')).status).toBe(401)
    const early = await WsTestClient.connect(server.url, server.app.id)
    expect((await early.request('auth', { guest: true })).error?.code).toBe('unauthenticated')

    const patched = await fetch(`${server.url}/v1/admin/apps/${server.app.id}`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ allowGuests: true }),
    })
    expect(patched.status).toBe(200)

    // The admin change takes effect at once on this node (its app cache is invalidated).
    const rooms = await rest(server.app.id, '/rooms')
    expect(rooms.status).toBe(200)
    expect((rooms.body as Page<Room>).items.map((r) => r.id)).toContain(room.id)
    expect((await rest(server.app.id, `/rooms/${room.id}`)).status).toBe(200)
    const history = await rest(server.app.id, `/rooms/${room.id}/messages`)
    expect(history.body.messages.map((m: { text: string }) => m.text)).toContain('hello guests')
    expect((await rest(server.app.id, '/ranking')).status).toBe(200)
    expect((await rest(server.app.id, '/rooms', { body: { name: 'by a guest' } })).status).toBe(401)
    // A token that is sent must still be valid.
    expect((await rest(server.app.id, '/rooms', { token: 'not-a-token' })).body.error?.code).toBe(
      'token_invalid',
    )

    const guest = await WsTestClient.connect(server.url, server.app.id)
    const auth = await guest.request<{ user: { guest: boolean } }>('auth', { guest: true })
    expect(auth.result?.user.guest).toBe(true)
    expect((await guest.request('rooms.subscribe')).error).toBe(undefined)
    expect((await guest.request('ranking.subscribe')).error).toBe(undefined)
    const joined = await guest.request<{ messages: Array<{ text: string }> }>('join', { room: room.id })
    expect(joined.result?.messages.map((m) => m.text)).toContain('hello guests')
    expect((await guest.request('history', { room: room.id })).error).toBe(undefined)
    expect((await guest.request('send', { room: room.id, clientId: 'g2', text: 'hi' })).error?.code).toBe(
      'guest_read_only',
    )
    expect((await guest.request('typing', { room: room.id })).error?.code).toBe('guest_read_only')
    await poster.send({ op: 'send', id: 'p2', room: room.id, clientId: 'g3', text: 'live to guests' })
    await guest.waitFor((f) => f.type === 'message' && f.message.text === 'live to guests')
    await Promise.all([guest.close(), poster.close(), early.close()])
  })
})
