import type { Limits } from '@roomful/sdk/protocol'

/** Asymmetric algorithms a host site may sign user tokens with. */
export type KeyAlgorithm = 'ES256' | 'EdDSA' | 'RS256'
export const KEY_ALGORITHMS: readonly KeyAlgorithm[] = ['ES256', 'EdDSA', 'RS256']

/** A public key registered with an app. Tokens naming `kid` verify with it and `alg` only. */
export interface PublicKeyRecord {
  kid: string
  alg: KeyAlgorithm
  /** A public JWK (as JSON) or an SPKI PEM. */
  publicKey: string
  createdAt: string
}

/** A tenant: one site embedding Roomful. Every other row belongs to exactly one app. */
export interface AppRecord {
  id: string
  name: string
  /** HS256 secret the host site's server signs user tokens with. Never sent to browsers. */
  secret: string
  /** The secret before the last rotation, still accepted until `previousSecretExpiresAt`. */
  previousSecret: string | null
  previousSecretExpiresAt: Date | null
  /** Server-held key that signs this app's hosted-account access tokens. Never leaves the backend. */
  sessionKey: string
  /** Origins (scheme://host[:port]) allowed to open sockets and call REST from a browser. */
  allowedOrigins: string[]
  /** Overrides of the default limits. */
  limits: Partial<Limits>
  allowGuests: boolean
  disabled: boolean
  publicKeys: PublicKeyRecord[]
  /** Where the host site publishes its signing keys, as a JWKS. */
  jwksUrl: string | null
  createdAt: Date
}

/** Fields of a new app; identity fields default to none. */
export type NewApp = Omit<
  AppRecord,
  'createdAt' | 'previousSecret' | 'previousSecretExpiresAt' | 'publicKeys' | 'jwksUrl'
> &
  Partial<Pick<AppRecord, 'previousSecret' | 'previousSecretExpiresAt' | 'publicKeys' | 'jwksUrl'>>

/** Fields an admin may change after creation. */
export type AppPatch = Partial<Omit<AppRecord, 'id' | 'createdAt' | 'sessionKey'>>

export interface AppStore {
  get(appId: string): Promise<AppRecord | null>
  /** Creates the app; if one with this id exists, returns the existing one unchanged. */
  ensure(app: NewApp): Promise<AppRecord>
  list(): Promise<AppRecord[]>
  /** Applies `patch` and returns the app as stored; null when there is no such app. */
  update(appId: string, patch: AppPatch): Promise<AppRecord | null>
  /** Deletes the app row; false when there was none. Its rooms and messages are left in place
   * (unreachable, since every lookup goes through the app) for an operator to purge. */
  delete(appId: string): Promise<boolean>
}
