import type { Message } from '@roomful/sdk/protocol'
import type { NewMessage } from './message-store.js'

/** The wire shape of a stored message; optional fields are absent, not undefined, in every driver. */
export function toMessage(input: NewMessage, seq: number): Message {
  const message: Message = {
    id: input.id,
    roomId: input.roomId,
    seq,
    kind: input.kind,
    user: { id: input.user.id, name: input.user.name, avatar: input.user.avatar },
    text: input.text,
    clientId: input.clientId,
    createdAt: input.createdAt.toISOString(),
  }
  if (input.notice !== undefined) message.notice = input.notice
  if (input.attachment !== undefined) message.attachment = { ...input.attachment }
  return message
}

/** Key of the idempotency rule: one message per (app, room, user, clientId). */
export function idempotencyKey(m: {
  appId: string
  roomId: string
  user: { id: string }
  clientId: string | null
}) {
  return m.clientId === null ? null : JSON.stringify([m.appId, m.roomId, m.user.id, m.clientId])
}
