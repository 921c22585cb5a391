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
  /**
   * Call when message `seq` of `roomId` is deleted: its text and attachment are blanked in
   * every stored delivery body that still holds them (pending, failing or dead), and the
   * queued jobs drop their copies; delivered records hold no body already. Events this node
   * emitted before the call are stored first, so they are covered; bodies another node was
   * still storing at that moment are caught by a second pass shortly after. Rejects when the
   * store could not be reached (the caller may retry).
   */
  forgetMessage(appId: string, roomId: string, seq: number): Promise<void>
  /** `forgetMessage` for every message of a room at once: call when the room is deleted. */
  forgetRoom(appId: string, roomId: string): Promise<void>
  close(): Promise<void>
}

export const WEBHOOK_EVENT_TYPES: readonly WebhookEventType[] = [
  'message.created',
  'message.deleted',
  'message.reported',
  'user.banned',
]
