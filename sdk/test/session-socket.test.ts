import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest'
import { CLOSE, type AuthSession, type Client } from '../src/index.js'
import { connectTo, reach } from './support/client.js'
import { startFakeServer, type FakeServer } from './support/fake-server.js'

// REST (msw) and the socket (fake server) together: a hosted session's access token expires
// while the socket is open, and the reconnect must use a refreshed one.
const msw = setupServer()
let server: FakeServer
let client: Client
beforeAll(() => msw.listen({ onUnhandledRequest: 'bypass' }))
afterAll(() => msw.close())
beforeEach(async () => {
  server = await startFakeServer()
  let n = 0
  const session = (): AuthSession => ({
    user: { id: 'ada', name: 'Ada', avatar: null, email: 'ada@example.com' },
    accessToken: `ada.access${++n}`,
    expiresIn: 900,
    refreshToken: `refresh-${n}-xxxxxxxxxxxxxxxxxx`,
  })
  const api = `${server.url}/v1/apps/test`
  msw.use(
    http.post(`${api}/auth/login`, () => HttpResponse.json(session())),
    http.post(`${api}/auth/refresh`, () => HttpResponse.json(session())),
  )
})
afterEach(async () => {
  client.close()
  msw.resetHandlers()
  await server.stop()
})

it('refreshes the hosted session when the socket closes with 4100, then reconnects with it', async () => {
  client = connectTo(server, { token: undefined })
  await client.auth.login({ email: 'ada@example.com', password: 'password1' })
  await client.room('r1').join()
  expect(client.user?.id).toBe('ada')
  server.last!.close(CLOSE.tokenExpired, 'token expired')
  await server.until(() => server.authCount === 2)
  await reach(client, 'connected')
  const tokens = server.frames.flatMap((f) => (f.op === 'auth' ? [f.token] : []))
  expect(tokens).toEqual(['ada.access1', 'ada.access2'])
  expect(client.auth.session?.accessToken).toBe('ada.access2')
})

it('reconnects as the new user after login on a guest connection', async () => {
  client = connectTo(server, { token: undefined })
  await client.room('r1').join()
  expect(client.user?.guest).toBe(true)
  await client.auth.login({ email: 'ada@example.com', password: 'password1' })
  await server.until(() => server.authCount === 2)
  await reach(client, 'connected')
  expect(client.user).toMatchObject({ id: 'ada', guest: false })
})

it('connects again after login when guests were refused', async () => {
  server.hook('auth', (f, _c, next) =>
    f.token ? next() : { error: { code: 'unauthenticated', message: 'no guests here' } },
  )
  client = connectTo(server, { token: undefined })
  const boards: number[] = []
  client.ranking.subscribe((b) => boards.push(b.entries.length))
  await reach(client, 'disconnected')
  await client.auth.login({ email: 'ada@example.com', password: 'password1' })
  await reach(client, 'connected')
  await server.until(() => boards.length === 1)
  expect(client.user?.id).toBe('ada')
})
