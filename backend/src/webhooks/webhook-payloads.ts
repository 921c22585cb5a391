import type { Message } from '@roomful/sdk/protocol'
import type { WebhookEvent, WebhookEventType } from './webhooks.js'

/**
 * The `data` of each event type, as the host site receives it (docs/moderation.md shows each
 * with an example). Times are ISO 8601 strings; `appId` is repeated in every payload so one
 * receiver can serve several apps.
 */
export interface WebhookPayloads {
  /** A new text or image message was stored (never a duplicate send, never a join/leave notice). */
  'message.created': { appId: string; roomId: string; message: Message }
  /** A message was deleted by its sender or a moderator. `seq` is the delete's own position in
   * the room's log; `message` is the tombstone (text '', no attachment, `deletedAt`/`deletedBy` set). */
  'message.deleted': { appId: string; roomId: string; seq: number; message: Message }
  /** A user reported a message; `message` is the reported message as stored at report time. */
  'message.reported': {
    appId: string
    roomId: string
    report: { id: string; reportedBy: string; reason: string; createdAt: string }
    message: Message
  }
  /** A user was banned from the whole app (`roomId` null) or from one room. */
  'user.banned': {
    appId: string
    ban: {
      userId: string
      roomId: string | null
      reason: string | null
      createdBy: string
      createdAt: string
      expiresAt: string | null
    }
  }
}

/** A typed event for `Webhooks.emit`, so a producer cannot send a payload of the wrong shape.
 * @example webhooks.emit(webhookEvent('message.created', appId, { appId, roomId, message }))
 */
export function webhookEvent<T extends WebhookEventType>(
  type: T,
  appId: string,
  data: WebhookPayloads[T],
  occurredAt = new Date(),
): WebhookEvent {
  return { type, appId, data, occurredAt }
}

/** The message an event is about, by room and seq; null for events about no message. */
export function messageOf(event: WebhookEvent): { roomId: string; seq: number } | null {
  const data = event.data as { roomId?: unknown; message?: { seq?: unknown } } | null
  const seq = data?.message?.seq
  return typeof data?.roomId === 'string' && typeof seq === 'number' ? { roomId: data.roomId, seq } : null
}

/** A stored body with its message's content gone: text '' and no attachment, as the
 * tombstone of a deleted message shows it. Everything else (who, when, the seq) stays. */
export function withoutMessageContent(payload: string): string {
  const body = JSON.parse(payload) as { data?: { message?: Partial<Message> } }
  const message = body.data?.message
  if (!message) return payload
  message.text = ''
  delete message.attachment
  return JSON.stringify(body)
}
