import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createClient, isRoomfulError, type AuthSession, type RoomInfo } from '../src/index.js'

const url = 'http://roomful.test'
const api = `${url}/v1/apps/demo`
const room: RoomInfo = {
  id: 'r1',
  name: 'One',
  topic: null,
  createdAt: '',
  createdBy: 'u1',
  occupancy: 0,
  lastSeq: 0,
  slowModeSeconds: 0,
  readOnly: false,
  archived: false,
}

/** A hosted-accounts backend in miniature: access tokens expire on command, refresh tokens rotate. */
function backend() {
  let generation = 0
  const valid = new Set<string>()
  const refreshes: string[] = []
  const session = (): AuthSession => {
    generation++
    valid.add(`access-${generation}`)
    return {
      user: { id: 'u1', name: 'Ada', avatar: null, email: 'ada@example.com' },
      accessToken: `access-${generation}`,
      expiresIn: 900,
      refreshToken: `refresh-${generation}-xxxxxxxxxxxxxxxx`,
    }
  }
  let current = ''
  const issue = () => {
    const s = session()
    current = s.refreshToken
    return s
  }
  const authed = (request: Request) => {
    const token = request.headers.get('authorization')?.replace('Bearer ', '') ?? ''
    if (valid.has(token)) return null
    return HttpResponse.json(
      { error: { code: 'token_expired', message: 'the token has expired' } },
      { status: 401 },
    )
  }
  return {
    refreshes,
    /** Every access token issued so far stops working. */
    expireAll: () => valid.clear(),
    handlers: [
      http.post(`${api}/auth/signup`, async ({ request }) => {
        const body = (await request.json()) as { email: string }
        if (body.email === 'taken@example.com')
          return HttpResponse.json({ error: { code: 'email_taken', message: 'taken' } }, { status: 409 })
        return HttpResponse.json(issue(), { status: 201 })
      }),
      http.post(`${api}/auth/login`, () => HttpResponse.json(issue())),
      http.post(`${api}/auth/refresh`, async ({ request }) => {
        const { refreshToken } = (await request.json()) as { refreshToken: string }
        refreshes.push(refreshToken)
        if (refreshToken !== current)
          return HttpResponse.json({ error: { code: 'refresh_invalid', message: 'used' } }, { status: 401 })
        return HttpResponse.json(issue())
      }),
      http.post(`${api}/auth/logout`, () => new HttpResponse(null, { status: 204 })),
      http.get(`${api}/rooms`, ({ request }) => {
        const q = new URL(request.url).searchParams
        return (
          authed(request) ?? HttpResponse.json({ items: [room], nextCursor: q.get('cursor') ? null : 'next' })
        )
      }),
      http.post(
        `${api}/rooms`,
        async ({ request }) =>
          authed(request) ??
          HttpResponse.json({ ...room, ...((await request.json()) as object) }, { status: 201 }),
      ),
      http.get(
        `${api}/rooms/:id`,
        ({ request, params }) =>
          authed(request) ??
          (params.id === 'r1'
            ? HttpResponse.json(room)
            : HttpResponse.json(
                { error: { code: 'room_not_found', message: 'no such room in this app' } },
                { status: 404 },
              )),
      ),
    ],
  }
}

const b = backend()
const msw = setupServer(...b.handlers)
beforeAll(() => msw.listen({ onUnhandledRequest: 'error' }))
afterEach(() => msw.resetHandlers())
afterAll(() => msw.close())

const make = () => createClient({ url: `${url}/`, appId: 'demo', pingInterval: 0 })

describe('hosted accounts and REST', () => {
  it('signs up, keeps the session and uses its access token', async () => {
    const client = make()
    const session = await client.auth.signup({
      email: 'ada@example.com',
      password: 'password1',
      displayName: 'Ada',
    })
    expect(client.auth.session).toEqual(session)
    const page = await client.rooms.list({ limit: 10 })
    expect(page.items.map((r) => r.id)).toEqual(['r1'])
    expect(page.nextCursor).toBe('next')
    expect((await client.rooms.list({ cursor: 'next' })).nextCursor).toBeNull()
    expect(await client.rooms.create({ name: 'Two' })).toMatchObject({ name: 'Two' })
    client.close()
  })

  it('refreshes an expired access token once, with the rotating refresh token, and retries', async () => {
    const client = make()
    await client.auth.login({ email: 'ada@example.com', password: 'password1' })
    const before = client.auth.session!
    b.expireAll()
    b.refreshes.length = 0
    // Three calls hit the expiry at once: a single-use refresh token must be spent only once.
    const rooms = await Promise.all([client.rooms.get('r1'), client.rooms.list(), client.rooms.get('r1')])
    expect(rooms[0].id).toBe('r1')
    expect(b.refreshes).toEqual([before.refreshToken])
    expect(client.auth.session!.refreshToken).not.toBe(before.refreshToken)
    const rotated = client.auth.session!.refreshToken
    b.expireAll()
    await client.rooms.get('r1')
    expect(b.refreshes).toEqual([before.refreshToken, rotated])
    client.close()
  })

  it('reports session changes so an app can save the session and restore it later', async () => {
    const client = make()
    const saved: (AuthSession | null)[] = []
    client.on('session', (s) => saved.push(s))
    await client.auth.login({ email: 'ada@example.com', password: 'password1' })
    b.expireAll()
    await client.rooms.list()
    expect(saved).toHaveLength(2)
    expect(saved[1]!.accessToken).not.toBe(saved[0]!.accessToken)
    client.close()

    // A new page load: the saved session is refreshed before its (possibly stale) token is used.
    b.refreshes.length = 0
    const again = createClient({ url, appId: 'demo', pingInterval: 0, session: saved[1] })
    expect((await again.rooms.list()).items).toHaveLength(1)
    expect(b.refreshes).toEqual([saved[1]!.refreshToken])
    await again.auth.logout()
    again.close()
  })

  it('raises typed errors with code and status', async () => {
    const client = make()
    const taken = await client.auth
      .signup({ email: 'taken@example.com', password: 'password1', displayName: 'T' })
      .catch((e: unknown) => e)
    expect(isRoomfulError(taken) && [taken.code, taken.status]).toEqual(['email_taken', 409])
    await client.auth.login({ email: 'ada@example.com', password: 'password1' })
    await expect(client.rooms.get('nope')).rejects.toMatchObject({ code: 'room_not_found', status: 404 })
    client.close()
  })

  it('maps a body that is not JSON to a code by its status', async () => {
    msw.use(http.get(`${api}/rooms`, () => new HttpResponse('<html>bad gateway</html>', { status: 502 })))
    const client = make()
    await expect(client.rooms.list()).rejects.toMatchObject({ code: 'internal', status: 502 })
    client.close()
  })

  it("raises a RoomfulError when the host's getToken fails", async () => {
    const client = createClient({
      url,
      appId: 'demo',
      pingInterval: 0,
      getToken: () => Promise.reject(new Error('token endpoint is down')),
    })
    await expect(client.rooms.list()).rejects.toMatchObject({
      code: 'unauthenticated',
      message: 'unable to get a token; token endpoint is down',
    })
    client.close()
  })

  it('reports an unreachable server as disconnected', async () => {
    msw.use(http.get(`${api}/rooms`, () => HttpResponse.error()))
    const client = make()
    await expect(client.rooms.list()).rejects.toMatchObject({ code: 'disconnected' })
    client.close()
  })

  it('logs out: revokes the refresh token and forgets the session', async () => {
    const client = make()
    await client.auth.login({ email: 'ada@example.com', password: 'password1' })
    let revoked = ''
    msw.use(
      http.post(`${api}/auth/logout`, async ({ request }) => {
        revoked = ((await request.json()) as { refreshToken: string }).refreshToken
        return new HttpResponse(null, { status: 204 })
      }),
    )
    const token = client.auth.session!.refreshToken
    await client.auth.logout()
    expect(revoked).toBe(token)
    expect(client.auth.session).toBeNull()
    client.close()
  })
})
