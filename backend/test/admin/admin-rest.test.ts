import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { modesToTest } from '../support/modes.js'
import { ALLOWED_ORIGIN, startTestServer, type TestServer } from '../support/test-server.js'
import { mintUserToken } from '../support/tokens.js'
import { WsTestClient } from '../support/ws-client.js'

const modes = await modesToTest()
const ADMIN_KEY = 'admin-key-for-tests-0123456789abcdef'

type Json = Record<string, unknown> & { error?: { code: string }; secret?: string }

describe.each(modes)('admin REST (%s)', (mode) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(mode, { env: { ADMIN_KEY } })
  })
  afterAll(async () => server?.stop())

  const admin = async (method: string, path: string, body?: unknown, key: string | null = ADMIN_KEY) => {
    const res = await fetch(`${server.url}/v1/admin${path}`, {
      method,
      headers: {
        ...(key !== null && { Authorization: `Bearer ${key}` }),
        ...(body !== undefined && { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return { status: res.status, body: (res.status === 204 ? {} : await res.json()) as Json }
  }
  const me = async (appId: string, token: string) =>
    fetch(`${server.url}/v1/apps/${appId}/me`, { headers: { Authorization: `Bearer ${token}` } })

  it('refuses requests without the admin key or with a wrong one', async () => {
    expect(await admin('GET', '/apps', undefined, null)).toMatchObject({
      status: 401,
      body: { error: { code: 'unauthenticated' } },
    })
    expect(await admin('GET', '/apps', undefined, 'wrong-key')).toMatchObject({
      status: 403,
      body: { error: { code: 'forbidden' } },
    })
    expect(await admin('GET', '/apps', undefined, `${ADMIN_KEY}x`)).toMatchObject({ status: 403 })
    expect(await admin('POST', '/apps', { id: 'sneaky' }, 'wrong-key')).toMatchObject({ status: 403 })
    expect((await admin('GET', '/apps/sneaky')).status).toBe(404)
  })

  it('creates, reads, updates, disables, rotates, registers keys and deletes an app', async () => {
    const id = `adm_${mode}`
    const created = await admin('POST', '/apps', { id, name: 'Admin site', allowedOrigins: [ALLOWED_ORIGIN] })
    expect(created.status).toBe(201)
    const secret = created.body.secret as string
    expect(secret).toMatch(/^[\w-]{40,}$/)
    expect((await admin('POST', '/apps', { id })).body.error?.code).toBe('bad_request')
    expect((await admin('POST', '/apps', { id: 'bad id!' })).body.error?.code).toBe('bad_request')
    expect((await admin('POST', '/apps', { id: 'x', limits: { nope: 1 } })).body.error?.code).toBe(
      'bad_request',
    )

    const got = await admin('GET', `/apps/${id}`)
    expect(got.body).toMatchObject({
      id,
      name: 'Admin site',
      allowedOrigins: [ALLOWED_ORIGIN],
      disabled: false,
    })
    expect(JSON.stringify(got.body)).not.toContain(secret)
    const listed = await admin('GET', '/apps')
    expect((listed.body.apps as Array<{ id: string }>).map((a) => a.id)).toContain(id)
    expect(JSON.stringify(listed.body)).not.toContain(secret)

    const token = await mintUserToken(id, secret, { sub: 'ann' })
    expect((await me(id, token)).status).toBe(200)

    const updated = await admin('PATCH', `/apps/${id}`, { name: 'Renamed', limits: { maxMessageLength: 20 } })
    expect(updated.body).toMatchObject({ name: 'Renamed', limits: { maxMessageLength: 20 } })
    // The new limit applies at once on this node, over WebSocket as over REST.
    const annAgain = await WsTestClient.connect(server.url, id)
    const auth = await annAgain.request<{ limits: { maxMessageLength: number } }>('auth', { token })
    expect(auth.result?.limits.maxMessageLength).toBe(20)
    await annAgain.close()

    // Disabled: refused at once; enabled again: accepted.
    const open = await WsTestClient.authed(server.url, id, token)
    await admin('POST', `/apps/${id}/disable`)
    expect((await open.closed).code).toBe(4004)
    expect((await (await me(id, token)).json()).error.code).toBe('app_disabled')
    const refused = await WsTestClient.connect(server.url, id)
    expect((await refused.closed).code).toBe(4004)
    await admin('POST', `/apps/${id}/enable`)
    expect((await me(id, token)).status).toBe(200)

    // Rotation keeps the old secret valid for the stated time; rotating again without one ends it.
    const rotated = await admin('POST', `/apps/${id}/rotate-secret`, { keepOldForSeconds: 3600 })
    expect(rotated.body.previousSecretExpiresAt).toEqual(expect.any(String))
    const newSecret = rotated.body.secret as string
    expect(newSecret).not.toBe(secret)
    expect((await me(id, token)).status).toBe(200)
    expect((await me(id, await mintUserToken(id, newSecret, { sub: 'ann' }))).status).toBe(200)
    const again = await admin('POST', `/apps/${id}/rotate-secret`, {})
    expect((await me(id, await mintUserToken(id, secret, { sub: 'ann' }))).status).toBe(401)
    expect((await me(id, await mintUserToken(id, newSecret, { sub: 'ann' }))).status).toBe(401)
    const latest = again.body.secret as string

    // A registered public key verifies tokens signed with its private half, until removed.
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
    const jwk = await exportJWK(publicKey)
    expect(
      (await admin('POST', `/apps/${id}/keys`, { kid: 'k1', alg: 'ES256', publicKey: 'nope' })).status,
    ).toBe(400)
    expect(
      (await admin('POST', `/apps/${id}/keys`, { kid: 'k1', alg: 'HS256', publicKey: '{}' })).status,
    ).toBe(400)
    const added = await admin('POST', `/apps/${id}/keys`, {
      kid: 'k1',
      alg: 'ES256',
      publicKey: JSON.stringify(jwk),
    })
    expect(added.status).toBe(201)
    expect(added.body.publicKeys).toEqual([expect.objectContaining({ kid: 'k1', alg: 'ES256' })])
    const es = await new SignJWT({ name: 'Kay' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(id)
      .setAudience('roomful')
      .setSubject('kay')
      .setExpirationTime('10m')
      .sign(privateKey)
    expect(await (await me(id, es)).json()).toMatchObject({ id: 'kay', name: 'Kay' })
    await admin('DELETE', `/apps/${id}/keys/k1`)
    expect((await me(id, es)).status).toBe(401)

    expect((await admin('PATCH', `/apps/${id}`, { jwksUrl: 'ftp://x' })).status).toBe(400)
    expect(
      (await admin('PATCH', `/apps/${id}`, { jwksUrl: 'https://keys.example/jwks.json' })).body,
    ).toMatchObject({
      jwksUrl: 'https://keys.example/jwks.json',
    })

    expect((await admin('DELETE', `/apps/${id}`)).status).toBe(204)
    expect((await admin('GET', `/apps/${id}`)).status).toBe(404)
    expect((await me(id, await mintUserToken(id, latest, { sub: 'ann' }))).status).toBe(404)
  })
})

describe.each(modes)('an app disabled by another node or the CLI (%s)', (mode) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(mode)
  })
  afterAll(async () => server?.stop())

  it('has its open sockets closed with 4004 once this node notices (app cache, then the sweep)', async () => {
    const token = await mintUserToken(server.other.id, server.other.secret, { sub: 'olga' })
    const olga = await WsTestClient.authed(server.url, server.other.id, token)
    // Written straight to the store, as the CLI or another node's admin API does.
    await server.drivers.apps.update(server.other.id, { disabled: true })
    const started = Date.now()
    expect((await olga.closed).code).toBe(4004)
    expect(Date.now() - started).toBeLessThan(12_500)
  }, 20_000)
})

describe('admin REST without ADMIN_KEY', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer('embedded')
  })
  afterAll(async () => server?.stop())

  it('is disabled', async () => {
    const res = await fetch(`${server.url}/v1/admin/apps`, { headers: { Authorization: 'Bearer anything' } })
    expect(res.status).toBe(404)
  })
})
