import { createHash } from 'node:crypto'
import {
  createRemoteJWKSet,
  importJWK,
  importSPKI,
  type CryptoKey,
  type JWK,
  type JWTVerifyGetKey,
  type KeyObject,
} from 'jose'
import { KEY_ALGORITHMS, type AppRecord, type KeyAlgorithm, type PublicKeyRecord } from '../apps/app-store.js'
import { RoomfulError } from '../errors.js'

export type VerifyKey = CryptoKey | KeyObject | Uint8Array

export interface JwksOptions {
  /** How long a fetched JWKS is trusted before it is fetched again. */
  cacheMaxAgeMs: number
  /** Least time between two fetches, so tokens naming unknown kids cannot hammer the host. */
  cooldownMs: number
  timeoutMs: number
}

const DEFAULT_JWKS: JwksOptions = { cacheMaxAgeMs: 10 * 60_000, cooldownMs: 30_000, timeoutMs: 5_000 }

export const isKeyAlgorithm = (alg: unknown): alg is KeyAlgorithm =>
  KEY_ALGORITHMS.includes(alg as KeyAlgorithm)

/**
 * Parses a registered public key (a public JWK as JSON, or an SPKI PEM) for `alg`. Private
 * keys are refused, so an admin pasting the wrong half of a pair learns it at registration.
 */
export async function importPublicKey(alg: KeyAlgorithm, publicKey: string): Promise<VerifyKey> {
  const text = publicKey.trim()
  try {
    if (text.startsWith('{')) {
      const jwk = JSON.parse(text) as JWK
      if ('d' in jwk) throw new Error('the JWK is a private key')
      if (jwk.alg !== undefined && jwk.alg !== alg) throw new Error(`the JWK says alg ${jwk.alg}`)
      return await importJWK({ ...jwk, alg }, alg)
    }
    if (text.includes('PRIVATE KEY')) throw new Error('the PEM is a private key')
    return await importSPKI(text, alg)
  } catch (err) {
    throw new RoomfulError(
      'bad_request',
      `unable to use the public key; it is not a public ${alg} key (${(err as Error).message})`,
    )
  }
}

/**
 * The keys of every app, cached per app: registered keys by (app, kid, key text) and one
 * remote JWKS per app. Nothing is shared between apps, so two apps that both name a key
 * `main` can never verify each other's tokens.
 */
export class KeyCache {
  private readonly registered = new Map<string, Promise<VerifyKey>>()
  private readonly remote = new Map<string, { url: string; getKey: JWTVerifyGetKey }>()

  constructor(private readonly jwks: JwksOptions = DEFAULT_JWKS) {}

  /** The registered key `kid` of `app` with the algorithm it is pinned to, or null. */
  registeredKey(
    app: AppRecord,
    kid: string | undefined,
  ): { record: PublicKeyRecord; key: Promise<VerifyKey> } | null {
    const record =
      kid === undefined
        ? app.publicKeys.length === 1 && !app.jwksUrl
          ? app.publicKeys[0]
          : undefined
        : app.publicKeys.find((k) => k.kid === kid)
    if (!record) return null
    const fingerprint = createHash('sha256').update(record.publicKey).digest('base64url')
    const cacheKey = `${app.id}\n${record.kid}\n${record.alg}\n${fingerprint}`
    let key = this.registered.get(cacheKey)
    if (!key) {
      key = importPublicKey(record.alg, record.publicKey)
      key.catch(() => this.registered.delete(cacheKey))
      this.registered.set(cacheKey, key)
    }
    return { record, key }
  }

  /** The JWKS resolver of `app`, created on first use and replaced when its URL changes. */
  remoteKeys(app: AppRecord): JWTVerifyGetKey | null {
    if (!app.jwksUrl) return null
    const hit = this.remote.get(app.id)
    if (hit && hit.url === app.jwksUrl) return hit.getKey
    const getKey = createRemoteJWKSet(new URL(app.jwksUrl), {
      cacheMaxAge: this.jwks.cacheMaxAgeMs,
      cooldownDuration: this.jwks.cooldownMs,
      timeoutDuration: this.jwks.timeoutMs,
    })
    this.remote.set(app.id, { url: app.jwksUrl, getKey })
    return getKey
  }

  forget(appId: string): void {
    this.remote.delete(appId)
    for (const key of this.registered.keys()) if (key.startsWith(`${appId}\n`)) this.registered.delete(key)
  }
}

/** The process's key cache; `configureKeys` replaces it with the configured JWKS timings. */
export let keys = new KeyCache()

export function configureKeys(options: Partial<JwksOptions>): void {
  keys = new KeyCache({ ...DEFAULT_JWKS, ...options })
}
