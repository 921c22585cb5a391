import type { Limits } from '@roomful/sdk/protocol'

/** A tenant: one site embedding Roomful. Every other row belongs to exactly one app. */
export interface AppRecord {
  id: string
  name: string
  /** HS256 secret the host site's server signs user tokens with. Never sent to browsers. */
  secret: string
  /** Server-held key that signs this app's hosted-account access tokens. Never leaves the backend. */
  sessionKey: string
  /** Origins (scheme://host[:port]) allowed to open sockets and call REST from a browser. */
  allowedOrigins: string[]
  /** Overrides of the default limits. */
  limits: Partial<Limits>
  allowGuests: boolean
  disabled: boolean
  createdAt: Date
}

export type NewApp = Omit<AppRecord, 'createdAt'>

export interface AppStore {
  get(appId: string): Promise<AppRecord | null>
  /** Creates the app; if one with this id exists, returns the existing one unchanged. */
  ensure(app: NewApp): Promise<AppRecord>
  list(): Promise<AppRecord[]>
}
