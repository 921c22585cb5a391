/**
 * The contract between the services that produce events (messages, moderation) and the
 * webhooks module. Producers call `emit` and move on: it returns at once, costs nothing when
 * no endpoint of the app subscribes to the type, and never throws.
 */
export type WebhookEventType = 'message.created' | 'message.deleted' | 'message.reported' | 'user.banned'

export interface WebhookEvent {
  type: WebhookEventType
  appId: string
  /** The event's payload; its shape per type is in webhook-payloads.ts and docs/moderation.md. */
  data: unknown
  occurredAt: Date
}

export interface Webhooks {
  emit(event: WebhookEvent): void
  close(): Promise<void>
}

export const WEBHOOK_EVENT_TYPES: readonly WebhookEventType[] = [
  'message.created',
  'message.deleted',
  'message.reported',
  'user.banned',
]
