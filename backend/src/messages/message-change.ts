import type { Message } from '@roomful/sdk/protocol'
import { RoomfulError } from '../errors.js'
import type { MessageChange } from './message-store.js'

/** Kinds a person sent, which are the only ones that can be changed. */
const CHANGEABLE = new Set<Message['kind']>(['text', 'image'])

/** The same answer for "never existed", "deleted" and "not a message": none is worth telling apart. */
export const noSuchMessage = (targetId: string) =>
  new RoomfulError('not_found', `unable to change the message; no message ${targetId} in this room`)

/** Throws unless `target` is a live message a change may apply to. Shared by every driver. */
export function checkChangeable(
  target: Message | undefined,
  change: MessageChange,
): asserts target is Message {
  if (!target || !CHANGEABLE.has(target.kind) || target.deletedAt !== undefined)
    throw noSuchMessage(change.targetId)
  change.authorize(target)
}

/** The change's own log entry, as it is stored and delivered. */
export function changeEntry(change: MessageChange, seq: number): Message {
  return {
    id: change.id,
    roomId: change.roomId,
    seq,
    kind: change.kind,
    user: { id: change.actor.id, name: change.actor.name, avatar: change.actor.avatar },
    text: change.text,
    clientId: null,
    createdAt: change.createdAt.toISOString(),
    target: change.targetId,
  }
}

/** The target's new state after `change`: a delete leaves a tombstone with nothing of the original content. */
export function changedTarget(target: Message, change: MessageChange): Message {
  const at = change.createdAt.toISOString()
  if (change.kind === 'edit') return { ...target, text: change.text, editedAt: at }
  const { attachment: _, ...rest } = target
  return { ...rest, text: '', deletedAt: at, deletedBy: change.actor.id }
}
