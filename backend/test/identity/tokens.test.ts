import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppRecord, KeyAlgorithm } from '../../src/apps/app-store.js'
import { KeyCache } from '../../src/auth/keys.js'
import { verifyUserToken as verifyWithKeys } from '../../src/auth/tokens.js'
import { RoomfulError } from '../../src/errors.js'

// One key cache for the file, as the composition root builds one per process.
const keys = new KeyCache({ cooldownMs: 0, cacheMaxAgeMs: 60_000 })
const verifyUserToken = (app: AppRecord, token: string) => verifyWithKeys(app, token, keys)

const app = (over: Partial<AppRecord> = {}): AppRecord => ({
  id: 'site_a',
  name: 'Site A',
  secret: 'secret-of-site-a-0123456789abcdef',
  previousSecret: null,
  previousSecretExpiresAt: null,
  sessionKey: 'session-key-of-site-a-0123456789',
  allowedOrigins: [],
  limits: {},
  allowGuests: false,
  disabled: false,
  publicKeys: [],
  jwksUrl: null,
  createdAt: new Date(),
  ...over,
})

interface Pair {
  alg: KeyAlgorithm
  kid: string
  privateKey: CryptoKey
  publicJwk: JWK
  pem: string
}
async function pair(alg: KeyAlgorithm, kid: string): Promise<Pair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  return { alg, kid, privateKey, publicJwk: await exportJWK(publicKey), pem: await exportSPKI(publicKey) }
}

const now = () => Math.floor(Date.now() / 1000)
function claims(over: { iss?: string; aud?: string; exp?: number; nbf?: number; sub?: string } = {}) {
  const jwt = new SignJWT({ name: 'Ada' })
    .setSubject(over.sub ?? 'ada')
    .setIssuer(over.iss ?? 'site_a')
    .setAudience(over.aud ?? 'roomful')
    .setIssuedAt()
    .setExpirationTime(over.exp ?? now() + 600)
  if (over.nbf !== undefined) jwt.setNotBefore(over.nbf)
  return jwt
}
const sign = (p: Pair, over: Parameters<typeof claims>[0] = {}, kid: string = p.kid) =>
  claims(over).setProtectedHeader({ alg: p.alg, kid }).sign(p.privateKey)
const signHs = (secret: string | Uint8Array, over: Parameters<typeof claims>[0] = {}) =>
  claims(over)
    .setProtectedHeader({ alg: 'HS256' })
    .sign(typeof secret === 'string' ? new TextEncoder().encode(secret) : secret)

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (err) {
    if (err instanceof RoomfulError) return err.code
    throw err
  }
  return 'accepted'
}

/** A JWKS endpoint on loopback whose keys the test swaps, counting fetches. */
let jwksServer: Server
let jwksKeys: JWK[] = []
let jwksFetches = 0
let jwksStatus = 200
let jwksUrl = ''

beforeAll(async () => {
  jwksServer = createServer((_req, res) => {
    jwksFetches++
    res.statusCode = jwksStatus
    res.setHeader('Content-Type', 'application/json')
    res.end(JSON.stringify({ keys: jwksKeys }))
  })
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve))
  jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`
})
afterAll(() => new Promise<void>((resolve) => jwksServer.close(() => resolve())))

describe('user tokens signed with registered public keys', () => {
  it.each(['ES256', 'EdDSA', 'RS256'] as const)('accepts %s with a JWK or a PEM key', async (alg) => {
    const p = await pair(alg, `k-${alg}`)
    for (const publicKey of [JSON.stringify(p.publicJwk), p.pem]) {
      const a = app({ publicKeys: [{ kid: p.kid, alg, publicKey, createdAt: '' }] })
      expect(await verifyUserToken(a, await sign(p))).toMatchObject({ id: 'ada', name: 'Ada', guest: false })
    }
  })

  it('refuses a token whose header algorithm differs from the key’s registered one', async () => {
    const es = await pair('ES256', 'main')
    const rs = await pair('RS256', 'main')
    const a = app({
      publicKeys: [{ kid: 'main', alg: 'ES256', publicKey: JSON.stringify(es.publicJwk), createdAt: '' }],
    })
    // Signed with an RS256 key under the ES256 key's kid: refused before any signature check.
    expect(await refusal(verifyUserToken(a, await sign(rs)))).toBe('token_invalid')
  })

  it('refuses alg none, and HS256 signed with the public key’s bytes', async () => {
    const p = await pair('RS256', 'main')
    const a = app({ publicKeys: [{ kid: 'main', alg: 'RS256', publicKey: p.pem, createdAt: '' }] })
    const payload = Buffer.from(
      JSON.stringify({ sub: 'ada', iss: 'site_a', aud: 'roomful', exp: now() + 600 }),
    )
    const none = `${Buffer.from('{"alg":"none","kid":"main"}').toString('base64url')}.${payload.toString('base64url')}.`
    expect(await refusal(verifyUserToken(a, none))).toBe('token_invalid')
    const confused = await claims()
      .setProtectedHeader({ alg: 'HS256', kid: 'main' })
      .sign(new TextEncoder().encode(p.pem))
    expect(await refusal(verifyUserToken(a, confused))).toBe('token_invalid')
  })

  it('checks exp, nbf, aud and iss with a 5 s tolerance', async () => {
    const p = await pair('ES256', 'main')
    const a = app({ publicKeys: [{ kid: 'main', alg: 'ES256', publicKey: p.pem, createdAt: '' }] })
    expect(await refusal(verifyUserToken(a, await sign(p, { exp: now() - 2 })))).toBe('accepted')
    expect(await refusal(verifyUserToken(a, await sign(p, { exp: now() - 30 })))).toBe('token_expired')
    expect(await refusal(verifyUserToken(a, await sign(p, { nbf: now() + 2 })))).toBe('accepted')
    expect(await refusal(verifyUserToken(a, await sign(p, { nbf: now() + 60 })))).toBe('token_invalid')
    expect(await refusal(verifyUserToken(a, await sign(p, { aud: 'someone-else' })))).toBe('token_invalid')
    expect(await refusal(verifyUserToken(a, await sign(p, { iss: 'site_b' })))).toBe('token_invalid')
    // A hosted-account issuer with an asymmetric algorithm is refused too.
    expect(await refusal(verifyUserToken(a, await sign(p, { iss: 'roomful', aud: 'site_a' })))).toBe(
      'token_invalid',
    )
  })

  it('two apps registering the same kid never verify each other’s users', async () => {
    const keyA = await pair('ES256', 'main')
    const keyB = await pair('ES256', 'main')
    const a = app({ publicKeys: [{ kid: 'main', alg: 'ES256', publicKey: keyA.pem, createdAt: '' }] })
    const b = app({
      id: 'site_b',
      secret: 'secret-of-site-b-0123456789abcdef',
      publicKeys: [{ kid: 'main', alg: 'ES256', publicKey: keyB.pem, createdAt: '' }],
    })
    const tokenA = await sign(keyA)
    const tokenBForA = await sign(keyB) // B's key, claiming app A
    expect(await refusal(verifyUserToken(a, tokenA))).toBe('accepted')
    expect(await refusal(verifyUserToken(b, tokenA))).toBe('token_invalid')
    expect(await refusal(verifyUserToken(a, tokenBForA))).toBe('token_invalid')
    expect(await refusal(verifyUserToken(b, await sign(keyB, { iss: 'site_b' })))).toBe('accepted')
  })
})

describe('user tokens verified through a JWKS URL', () => {
  it('accepts ES256, EdDSA and RS256 from the JWKS, and a new kid after the host rotates', async () => {
    const pairs = await Promise.all([pair('ES256', 'es-1'), pair('EdDSA', 'ed-1'), pair('RS256', 'rs-1')])
    jwksKeys = pairs.map((p) => ({ ...p.publicJwk, kid: p.kid, alg: p.alg, use: 'sig' }))
    const a = app({ id: 'jwks_app', jwksUrl })
    for (const p of pairs)
      expect(await verifyUserToken(a, await sign(p, { iss: 'jwks_app' }))).toMatchObject({ id: 'ada' })
    const fetchesBefore = jwksFetches
    await verifyUserToken(a, await sign(pairs[0]!, { iss: 'jwks_app' }))
    expect(jwksFetches).toBe(fetchesBefore) // served from the cache

    const rotated = await pair('ES256', 'es-2')
    jwksKeys = [{ ...rotated.publicJwk, kid: 'es-2', alg: 'ES256', use: 'sig' }]
    expect(await verifyUserToken(a, await sign(rotated, { iss: 'jwks_app' }))).toMatchObject({ id: 'ada' })
    // A JWKS key published for ES256 does not verify an RS256 token under its kid.
    const rs = await pair('RS256', 'es-2')
    expect(await refusal(verifyUserToken(a, await sign(rs, { iss: 'jwks_app' })))).toBe('token_invalid')
  })

  it('keys fetched for one app are not used for another app with the same JWKS kid', async () => {
    const p = await pair('ES256', 'shared')
    jwksKeys = [{ ...p.publicJwk, kid: 'shared', alg: 'ES256' }]
    const a = app({ id: 'jw_a', jwksUrl })
    const b = app({ id: 'jw_b', jwksUrl: `${jwksUrl}?other` })
    expect(await refusal(verifyUserToken(a, await sign(p, { iss: 'jw_a' })))).toBe('accepted')
    // Same kid and JWKS content, but the token names app A: app B refuses it.
    expect(await refusal(verifyUserToken(b, await sign(p, { iss: 'jw_a' })))).toBe('token_invalid')
  })
})

describe('a JWKS that cannot be fetched', () => {
  it('fails retryably (internal), not as an invalid token, and recovers once it answers', async () => {
    const p = await pair('ES256', 'down-1')
    jwksKeys = [{ ...p.publicJwk, kid: 'down-1', alg: 'ES256' }]
    jwksStatus = 500
    const a = app({ id: 'jw_down', jwksUrl })
    try {
      expect(await refusal(verifyUserToken(a, await sign(p, { iss: 'jw_down' })))).toBe('internal')
    } finally {
      jwksStatus = 200
    }
    expect(await refusal(verifyUserToken(a, await sign(p, { iss: 'jw_down' })))).toBe('accepted')
    const unreachable = app({ id: 'jw_gone', jwksUrl: 'http://127.0.0.1:1/jwks.json' })
    expect(await refusal(verifyUserToken(unreachable, await sign(p, { iss: 'jw_gone' })))).toBe('internal')
  })
})

describe('HS256 with the app secret', () => {
  it('keeps the previous secret valid until its stated time, and not after', async () => {
    const old = 'secret-of-site-a-0123456789abcdef'
    const rotated = app({
      secret: 'the-new-secret-0123456789abcdefgh',
      previousSecret: old,
      previousSecretExpiresAt: new Date(Date.now() + 60_000),
    })
    expect(await refusal(verifyUserToken(rotated, await signHs(old)))).toBe('accepted')
    expect(await refusal(verifyUserToken(rotated, await signHs(rotated.secret)))).toBe('accepted')
    const lapsed = { ...rotated, previousSecretExpiresAt: new Date(Date.now() - 1) }
    expect(await refusal(verifyUserToken(lapsed, await signHs(old)))).toBe('token_invalid')
    expect(await refusal(verifyUserToken(lapsed, await signHs('some-other-secret-0123456789abc')))).toBe(
      'token_invalid',
    )
  })
})
