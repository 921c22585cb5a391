import { createHash } from 'node:crypto'
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose'
import { KEY_ALGORITHMS, type AppRecord, type KeyAlgorithm, type PublicKeyRecord } from '../apps/app-store.js'
import { importPublicKey, type VerifyKey } from '../apps/public-key.js'

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
 * The keys of every app, cached per app: registered keys by (app, kid, key text) and one
 * remote JWKS per app. Nothing is shared between apps, so two apps that both name a key
 * `main` can never verify each other's tokens.
 */
export class KeyCache {
  private readonly registered = new Map<string, Promise<VerifyKey>>()
  private readonly remote = new Map<string, { url: string; getKey: JWTVerifyGetKey }>()
  private readonly jwks: JwksOptions

  /** One per process, built by the composition root from the config and passed down. */
  constructor(jwks: Partial<JwksOptions> = {}) {
    this.jwks = { ...DEFAULT_JWKS, ...jwks }
  }

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
