import { bodySchemas, modelSchemas as models } from '@roomful/sdk/protocol'
import { idParam, jsonBody, roomIdParam } from '../http/request-parts.js'
import { adminRoute, appRoute, type Route } from '../http/route.js'
import type { VerifiedIdentity } from '../auth/tokens.js'
import type { SendLimits } from '../limits/send-limits.js'
import type { SendPolicy } from '../rooms/send-policy.js'
import { ADMIN_ACTOR, type Actor, type MessagesService } from './messages-service.js'

export interface MessageRouteDeps {
  messages: MessagesService
  /** Edits and deletes write to the room's log like sends, so they spend the same allowance. */
  sendLimits: Pick<SendLimits, 'spend'>
  /** Bans, mutes and an archived room refuse edits, as they refuse sends. */
  sendPolicy: Pick<SendPolicy, 'checkEdit'>
}

const messageIdParam = idParam('The message id.', 'not_found')
const changed = { description: 'The message in its new state.', schema: models.Message }
const refusals = {
  forbidden: 'the message is not yours (and, for a delete, you are not a moderator)',
  not_found: 'no such message in this room, or it was already deleted (also for a notice or a change entry)',
}

/** The role is read from the verified token, as on the socket. */
const actor = ({ id, name, avatar, moderator }: VerifiedIdentity): Actor => ({
  id,
  name,
  avatar,
  moderator: moderator === true,
})

/** Editing and deleting messages over REST; the same rules and entries as the socket ops. */
export const messageRoutes: Route<MessageRouteDeps>[] = [
  appRoute({
    method: 'patch',
    path: '/rooms/:roomId/messages/:messageId',
    operationId: 'editMessage',
    tag: 'messages',
    summary: 'Replace the text of your own message',
    description:
      'The room gets an `edit` entry with the next seq (protocol.md §16); members see it live and on resume.',
    access: 'user',
    params: { roomId: roomIdParam, messageId: messageIdParam },
    body: jsonBody(bodySchemas.editMessage),
    status: 200,
    response: changed,
    errors: {
      ...refusals,
      message_too_long: "the new text is longer than the app's maxMessageLength",
      bad_request: 'the new text is blank and the message has no attachment',
      room_archived: 'the room is archived',
      rate_limited: 'more edits, deletes and sends by this user than the app allows per second',
      banned: 'you are banned from this room',
      muted: 'you are muted in this room or app-wide',
    },
    handle: async ({ app, identity, params, body }, { messages, sendLimits, sendPolicy }) => {
      await sendPolicy.checkEdit(app.id, params.roomId, identity.id)
      await sendLimits.spend(app.id, identity.id, app.effectiveLimits, 'change the message')
      return messages.edit(
        app.id,
        params.roomId,
        actor(identity),
        params.messageId,
        body.text,
        app.effectiveLimits.maxMessageLength,
      )
    },
  }),
  appRoute({
    method: 'delete',
    path: '/rooms/:roomId/messages/:messageId',
    operationId: 'deleteMessage',
    tag: 'messages',
    summary: 'Delete your own message, or anyone’s as a moderator',
    description:
      'Its text and attachment are erased from storage; history shows a tombstone. The room gets a `delete` entry with the next seq.',
    access: 'user',
    params: { roomId: roomIdParam, messageId: messageIdParam },
    status: 200,
    response: { ...changed, description: 'The tombstone.' },
    errors: {
      ...refusals,
      rate_limited: 'more edits, deletes and sends by this user than the app allows per second',
    },
    handle: async ({ app, identity, params }, { messages, sendLimits }) => {
      await sendLimits.spend(app.id, identity.id, app.effectiveLimits, 'change the message')
      return messages.delete(app.id, params.roomId, actor(identity), params.messageId)
    },
  }),
  adminRoute({
    method: 'delete',
    path: '/apps/:appId/rooms/:roomId/messages/:messageId',
    operationId: 'adminDeleteMessage',
    tag: 'admin',
    summary: 'Delete any message of an app (as `deletedBy: "admin"`)',
    params: {
      appId: idParam('The app id.', 'app_not_found'),
      roomId: roomIdParam,
      messageId: messageIdParam,
    },
    status: 200,
    response: { ...changed, description: 'The tombstone.' },
    errors: { not_found: refusals.not_found },
    handle: async ({ params }, { messages }) =>
      messages.delete(params.appId, params.roomId, ADMIN_ACTOR, params.messageId),
  }),
]
