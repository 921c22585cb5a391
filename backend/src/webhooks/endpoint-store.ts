import type { WebhookEventType } from './webhooks.js'

/** Where one app wants some of its events POSTed. */
export interface EndpointRecord {
  id: string
  appId: string
  url: string
  /** The event types this endpoint receives; never empty. */
  events: WebhookEventType[]
  /** `whsec_<base64>`: the HMAC key of the Standard Webhooks signature. Never listed. */
  secret: string
  /** The secret before the last rotation; deliveries are signed with it too until it expires,
   * so the host site can switch without rejecting anything. */
  previousSecret: string | null
  previousSecretExpiresAt: Date | null
  /** A disabled endpoint receives nothing; its pending deliveries go to the dead letters. */
  enabled: boolean
  createdAt: Date
}

export type EndpointPatch = Partial<
  Pick<EndpointRecord, 'url' | 'events' | 'secret' | 'previousSecret' | 'previousSecretExpiresAt' | 'enabled'>
>

/** Webhook endpoints per app (a handful each, always read per app). */
export interface EndpointStore {
  create(endpoint: EndpointRecord): Promise<void>
  get(appId: string, id: string): Promise<EndpointRecord | null>
  /** The app's endpoints, oldest first. One statement. */
  list(appId: string): Promise<EndpointRecord[]>
  /** Applies `patch`; the endpoint as stored, or null when there is none. */
  update(appId: string, id: string, patch: EndpointPatch): Promise<EndpointRecord | null>
  delete(appId: string, id: string): Promise<boolean>
}
