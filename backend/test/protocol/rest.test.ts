import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthSession, Page, RankingBoard, Room } from '@roomful/sdk/protocol'
import { modesToTest } from '../support/modes.js'
import { startTestServer, type TestServer } from '../support/test-server.js'
import { WsTestClient } from '../support/ws-client.js'

const modes = await modesToTest()

describe.each(modes)('REST: hosted accounts and rooms (%s)', (mode) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(mode)
  })
  afterAll(async () => server?.stop())

  const call = async (path: string, init: { method?: string; body?: unknown; token?: string } = {}) => {
    const res = await fetch(`${server.url}/v1/apps/${server.app.id}${path}`, {
      method: init.method ?? (init.body ? 'POST' : 'GET'),
      headers: {
        ...(init.body !== undefined && { 'Content-Type': 'application/json' }),
        ...(init.token && { Authorization: `Bearer ${init.token}` }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    })
    return {
      status: res.status,
      body: res.status === 204 ? null : ((await res.json()) as Record<string, unknown>),
    }
  }

  it('signs up, logs in, refreshes with rotation, and revokes a reused refresh token family', async () => {
    const email = `Ada.${mode}@Example.com`
    const signup = await call('/auth/signup', {
      body: { email, password: 'correct horse', displayName: 'Ada' },
    })
    expect(signup.status).toBe(201)
    const session = signup.body as unknown as AuthSession
    expect(session.user).toMatchObject({ name: 'Ada', email: email.toLowerCase() })
    expect(
      (await call('/auth/signup', { body: { email, password: 'another one', displayName: 'Ada 2' } })).body,
    ).toMatchObject({
      error: { code: 'email_taken' },
    })
    expect((await call('/auth/login', { body: { email, password: 'wrong password' } })).body).toMatchObject({
      error: { code: 'invalid_credentials' },
    })
    const login = await call('/auth/login', {
      body: { email: email.toUpperCase(), password: 'correct horse' },
    })
    expect(login.status).toBe(200)

    // The access token works on the socket and over REST.
    const me = await call('/me', { token: session.accessToken })
    expect(me.body).toMatchObject({ id: session.user.id, name: 'Ada', guest: false })
    const socket = await WsTestClient.authed(server.url, server.app.id, session.accessToken)
    await socket.close()

    const refreshed = await call('/auth/refresh', { body: { refreshToken: session.refreshToken } })
    expect(refreshed.status).toBe(200)
    const next = refreshed.body as unknown as AuthSession
    expect(next.refreshToken).not.toBe(session.refreshToken)
    // Presenting the spent token again looks like theft: the whole family dies.
    expect(
      (await call('/auth/refresh', { body: { refreshToken: session.refreshToken } })).body,
    ).toMatchObject({
      error: { code: 'refresh_invalid' },
    })
    expect((await call('/auth/refresh', { body: { refreshToken: next.refreshToken } })).body).toMatchObject({
      error: { code: 'refresh_invalid' },
    })
  })

  it('answers GET /ranking with live counts even when no socket on this node watches the ranking', async () => {
    const token = await server.token('ranker')
    const room = (await call('/rooms', { body: { name: 'ranked' }, token })).body as unknown as Room
    const before = (await call('/ranking', { token })).body as unknown as RankingBoard
    expect(before.entries.find((e) => e.roomId === room.id)).toBeUndefined()
    const member = await WsTestClient.authed(server.url, server.app.id, token)
    await member.request('join', { room: room.id })
    const after = (await call('/ranking', { token })).body as unknown as RankingBoard
    expect(after.entries.find((e) => e.roomId === room.id)).toMatchObject({ name: 'ranked', occupancy: 1 })
    await member.close()
  })

  it('keeps the same email in two apps as two accounts', async () => {
    const body = { email: `twin.${mode}@example.com`, password: 'password one', displayName: 'Twin' }
    expect((await call('/auth/signup', { body })).status).toBe(201)
    const res = await fetch(`${server.url}/v1/apps/${server.other.id}/auth/signup`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    })
    expect(res.status).toBe(201)
  })

  it('lists rooms newest first in keyset pages that neither overlap nor skip', async () => {
    const token = await server.token('lister')
    const created: string[] = []
    for (let i = 0; i < 7; i++) {
      const res = await call('/rooms', { body: { name: `room ${i}`, topic: 'paging' }, token })
      created.push((res.body as unknown as Room).id)
    }
    const seen: Room[] = []
    let cursor: string | null = null
    do {
      const page = (await call(`/rooms?limit=3${cursor ? `&cursor=${cursor}` : ''}`, { token }))
        .body as unknown as Page<Room>
      expect(page.items.length).toBeLessThanOrEqual(3)
      seen.push(...page.items)
      cursor = page.nextCursor
    } while (cursor)
    const ours = seen.filter((r) => created.includes(r.id)).map((r) => r.id)
    expect(ours).toEqual([...created].reverse())
    expect(new Set(seen.map((r) => r.id)).size).toBe(seen.length)
    expect(seen.every((r) => typeof r.occupancy === 'number')).toBe(true)
    expect((await call('/rooms?limit=0', { token })).body).toMatchObject({ error: { code: 'bad_request' } })
  })
})
