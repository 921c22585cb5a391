import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthSession } from '@roomful/sdk/protocol'
import { ConfigError, readConfig } from '../../src/config.js'
import { modesToTest } from '../support/modes.js'
import { startTestServer, type TestServer } from '../support/test-server.js'

const modes = await modesToTest()
const LIMITS = {
  AUTH_RATE_PER_ADDRESS: '3',
  AUTH_RATE_PER_ACCOUNT: '2',
  AUTH_RATE_WINDOW_MS: '60000',
  HASH_QUEUE_DEPTH: '4',
  HASH_PER_ADDRESS: '1',
}

describe.each(modes)('REST: throttled account endpoints (%s)', (mode) => {
  let trusting: TestServer
  let direct: TestServer
  beforeAll(async () => {
    ;[trusting, direct] = await Promise.all([
      startTestServer(mode, { env: { ...LIMITS, TRUSTED_PROXIES: '127.0.0.1' } }),
      startTestServer(mode, { env: LIMITS }),
    ])
  })
  afterAll(async () => Promise.all([trusting?.stop(), direct?.stop()]))

  const post = (server: TestServer, path: string, from: string, body: unknown) =>
    fetch(`${server.url}/v1/apps/${server.app.id}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': from },
      body: JSON.stringify(body),
    })
  const login = (server: TestServer, from: string, email: string) =>
    post(server, '/auth/login', from, { email, password: 'not the password' })

  it('limits logins for one email however many addresses they come from', async () => {
    const statuses = []
    for (let i = 1; i <= 4; i++)
      statuses.push((await login(trusting, `198.51.100.${i}`, 'Target@Example.com')).status)
    expect(statuses).toEqual([401, 401, 429, 429])
    // Another email from a fresh address is unaffected.
    expect((await login(trusting, '198.51.100.9', 'someone@example.com')).status).toBe(401)
  })

  it('counts each forwarded client apart behind a trusted proxy, and answers 429 with the headers', async () => {
    const statuses = []
    for (let i = 0; i < 4; i++)
      statuses.push((await login(trusting, '203.0.113.1', `user${i}@example.com`)).status)
    expect(statuses).toEqual([401, 401, 401, 429])
    const refused = await login(trusting, '203.0.113.1', 'user9@example.com')
    expect(refused.status).toBe(429)
    expect(await refused.json()).toMatchObject({ error: { code: 'rate_limited' } })
    const reset = Number(refused.headers.get('ratelimit-reset'))
    expect(reset).toBeGreaterThan(0)
    expect(reset).toBeLessThanOrEqual(60)
    expect(refused.headers.get('retry-after')).toBe(String(reset))
    expect(refused.headers.get('ratelimit-limit')).toBe('3')
    expect(refused.headers.get('ratelimit-remaining')).toBe('0')
    // Another client behind the same proxy still gets in.
    expect((await login(trusting, '203.0.113.2', 'user9@example.com')).status).toBe(401)
  })

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const statuses = []
    for (let i = 0; i < 4; i++)
      statuses.push((await login(direct, `192.0.2.${i}`, `spoof${i}@example.com`)).status)
    expect(statuses).toEqual([401, 401, 401, 429])
  })

  it('limits refreshes per address', async () => {
    const signup = await post(trusting, '/auth/signup', '203.0.113.50', {
      email: 'refresher@example.com',
      password: 'correct horse',
      displayName: 'Refresher',
    })
    expect(signup.status).toBe(201)
    let { refreshToken } = (await signup.json()) as AuthSession
    const statuses = []
    for (let i = 0; i < 4; i++) {
      const res = await post(trusting, '/auth/refresh', '203.0.113.51', { refreshToken })
      statuses.push(res.status)
      if (res.status === 200) ({ refreshToken } = (await res.json()) as AuthSession)
    }
    expect(statuses).toEqual([200, 200, 200, 429])
  })
})

it('refuses TRUSTED_PROXIES entries that are not addresses or CIDR ranges, naming them', () => {
  expect(() => readConfig({ TRUSTED_PROXIES: '10.0.0.1, nginx, 10.0.0.0/40' })).toThrow(ConfigError)
  expect(() => readConfig({ TRUSTED_PROXIES: 'nginx' })).toThrow(/TRUSTED_PROXIES.*"nginx"/)
  expect(readConfig({ TRUSTED_PROXIES: '10.0.0.1, fd00::/8' }).trustedProxies).toEqual([
    '10.0.0.1',
    'fd00::/8',
  ])
})
