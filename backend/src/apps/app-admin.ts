import { randomBytes } from 'node:crypto'
import { clip, type Limits } from '@roomful/sdk/protocol'
import { RoomfulError } from '../errors.js'
import type { AppPatch, AppRecord, AppStore, KeyAlgorithm } from './app-store.js'
import { importPublicKey } from './public-key.js'

/** What admins see of an app: everything but its secrets and session key. */
export interface AppView {
  id: string
  name: string
  allowedOrigins: string[]
  limits: Partial<Limits>
  allowGuests: boolean
  disabled: boolean
  publicKeys: Array<{ kid: string; alg: KeyAlgorithm; createdAt: string }>
  jwksUrl: string | null
  previousSecretExpiresAt: string | null
  createdAt: string
}

export const APP_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/

export const view = (app: AppRecord): AppView => ({
  id: app.id,
  name: app.name,
  allowedOrigins: app.allowedOrigins,
  limits: app.limits,
  allowGuests: app.allowGuests,
  disabled: app.disabled,
  publicKeys: app.publicKeys.map(({ kid, alg, createdAt }) => ({ kid, alg, createdAt })),
  jwksUrl: app.jwksUrl,
  previousSecretExpiresAt:
    app.previousSecret && app.previousSecretExpiresAt ? app.previousSecretExpiresAt.toISOString() : null,
  createdAt: app.createdAt.toISOString(),
})

const newSecret = () => randomBytes(32).toString('base64url')

/**
 * App management, shared by the admin CLI and the admin REST API. `changed` runs after every
 * write so this node's app cache forgets the app at once (other nodes within their cache TTL).
 */
export class AppAdmin {
  constructor(
    private readonly store: AppStore,
    private readonly changed: (appId: string) => void = () => {},
  ) {}

  /** Creates an app and returns it with its secret, the only time the secret is shown. */
  async create(input: {
    id: string
    name?: string
    allowedOrigins?: string[]
    limits?: Partial<Limits>
    allowGuests?: boolean
  }): Promise<AppView & { secret: string }> {
    if (!APP_ID_PATTERN.test(input.id))
      throw new RoomfulError(
        'bad_request',
        'unable to create the app; its id must be 1..64 of A-Z a-z 0-9 _ -',
      )
    if (await this.store.get(input.id))
      throw new RoomfulError('bad_request', `unable to create the app; "${input.id}" already exists`)
    const app = await this.store.ensure({
      id: input.id,
      name: input.name ?? input.id,
      secret: newSecret(),
      sessionKey: newSecret(),
      allowedOrigins: input.allowedOrigins ?? [],
      limits: input.limits ?? {},
      allowGuests: input.allowGuests ?? false,
      disabled: false,
    })
    this.changed(app.id)
    return { ...view(app), secret: app.secret }
  }

  async list(): Promise<AppView[]> {
    return (await this.store.list()).map(view)
  }

  async get(appId: string): Promise<AppView> {
    return view(await this.require(appId))
  }

  async update(
    appId: string,
    patch: Pick<AppPatch, 'name' | 'allowedOrigins' | 'limits' | 'allowGuests' | 'disabled' | 'jwksUrl'>,
  ): Promise<AppView> {
    if (patch.jwksUrl) checkJwksUrl(patch.jwksUrl)
    return view(await this.write(appId, patch))
  }

  /** A new secret; the old one keeps verifying for `keepOldForMs` (0: refused at once). */
  async rotateSecret(appId: string, keepOldForMs: number): Promise<AppView & { secret: string }> {
    const app = await this.require(appId)
    const updated = await this.write(appId, {
      secret: newSecret(),
      previousSecret: app.secret,
      previousSecretExpiresAt: new Date(Date.now() + keepOldForMs),
    })
    return { ...view(updated), secret: updated.secret }
  }

  async addKey(appId: string, key: { kid: string; alg: KeyAlgorithm; publicKey: string }): Promise<AppView> {
    const app = await this.require(appId)
    if (app.publicKeys.some((k) => k.kid === key.kid))
      throw new RoomfulError(
        'bad_request',
        `unable to add the key; app "${appId}" already has kid "${key.kid}"`,
      )
    await importPublicKey(key.alg, key.publicKey)
    const record = { ...key, publicKey: key.publicKey.trim(), createdAt: new Date().toISOString() }
    return view(await this.write(appId, { publicKeys: [...app.publicKeys, record] }))
  }

  async removeKey(appId: string, kid: string): Promise<AppView> {
    const app = await this.require(appId)
    if (!app.publicKeys.some((k) => k.kid === kid))
      throw new RoomfulError(
        'not_found',
        `unable to remove the key; app "${appId}" has no kid "${clip(kid)}"`,
      )
    return view(await this.write(appId, { publicKeys: app.publicKeys.filter((k) => k.kid !== kid) }))
  }

  async delete(appId: string): Promise<void> {
    if (!(await this.store.delete(appId))) throw new RoomfulError('app_not_found', `no app "${appId}"`)
    this.changed(appId)
  }

  private async require(appId: string): Promise<AppRecord> {
    const app = await this.store.get(appId)
    if (!app) throw new RoomfulError('app_not_found', `no app "${appId}"`)
    return app
  }

  private async write(appId: string, patch: AppPatch): Promise<AppRecord> {
    const app = await this.store.update(appId, patch)
    if (!app) throw new RoomfulError('app_not_found', `no app "${appId}"`)
    this.changed(appId)
    return app
  }
}

function checkJwksUrl(url: string): void {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new RoomfulError('bad_request', 'unable to set the JWKS URL; it is not a URL')
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new RoomfulError('bad_request', 'unable to set the JWKS URL; use https')
}

/** Parses `90s`, `15m`, `1h`, `2d` or plain milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(text.trim())
  if (!match)
    throw new RoomfulError('bad_request', `unable to read the duration "${clip(text)}"; use e.g. 30m or 1h`)
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? 'ms']!
  return Number(match[1]) * unit
}
