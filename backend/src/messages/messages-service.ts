import type { Attachment, HistoryResult, Message, NoticeKind, UserProfile } from '@roomful/sdk/protocol'
import { RoomfulError } from '../errors.js'
import { newSortableId } from '../ids.js'
import type { Logger } from '../logger.js'
import type { PresenceStore } from '../presence/presence-store.js'
import { webhookEvent } from '../webhooks/webhook-payloads.js'
import type { Webhooks } from '../webhooks/webhooks.js'
import type { AuditLog } from '../moderation/audit-log.js'
import { recordAction } from '../moderation/record-action.js'
import { messageFrame } from './frames.js'
import type { MessageChange, MessageStore, NewMessage } from './message-store.js'
import { RoomActivity } from './room-activity.js'
import type { RoomFeeds } from './room-feed.js'
import type { WriteBatcher } from './write-batcher.js'

/** Who edits or deletes: a user (perhaps a moderator), or the operator's admin key over REST. */
export interface Actor extends UserProfile {
  moderator?: boolean
  admin?: boolean
}

/** The actor the admin REST API acts as; `deletedBy` of what it deletes. */
export const ADMIN_ACTOR: Actor = { id: 'admin', name: 'Admin', avatar: null, admin: true }

/**
 * The write path: persist (batched) → deliver to this node's members and publish once to the
 * other nodes → ack. A send is acked only after its transaction commits; a retry with the same
 * client id returns the stored original and delivers nothing new.
 */
export class MessagesService {
  private readonly activity: RoomActivity

  constructor(
    private readonly deps: {
      batcher: WriteBatcher
      messages: MessageStore
      presence: PresenceStore
      /** This node's room feeds: its own commits go to them at once, and on to other nodes. */
      feeds: Pick<RoomFeeds, 'share'>
      /** Told of every new text or image message, after its commit (never awaited), and of
       * every delete, so that pending webhook bodies drop the deleted text. */
      webhooks?: Pick<Webhooks, 'emit' | 'forgetMessage'>
      /** Where deletes of another user's message (a moderator's, the admin key's) are recorded. */
      audit?: Pick<AuditLog, 'record'>
      log: Logger
    },
  ) {
    this.activity = new RoomActivity({ presence: deps.presence, log: deps.log })
  }

  /** Writes what is still buffered (room activity); call at shutdown. */
  flush(): Promise<void> {
    return this.activity.flush()
  }

  async send(
    appId: string,
    roomId: string,
    user: UserProfile,
    clientId: string,
    text: string,
    attachment?: Attachment,
  ): Promise<Message> {
    if (attachment) return this.store({ appId, roomId, kind: 'image', user, text, clientId, attachment })
    return this.store({ appId, roomId, kind: 'text', user, text, clientId })
  }

  /** Join/leave lines in the room's log; stored like messages so history shows them too. */
  async notice(appId: string, roomId: string, user: UserProfile, notice: NoticeKind): Promise<Message> {
    return this.store({ appId, roomId, kind: 'notice', user, text: '', clientId: null, notice })
  }

  /**
   * Replaces the text of `actor`'s own message (nobody edits another's, moderators included).
   * Resolves with the message in its new state, after the change's entry is committed.
   */
  edit(
    appId: string,
    roomId: string,
    actor: Actor,
    messageId: string,
    text: string,
    maxLength: number,
  ): Promise<Message> {
    if (text.length > maxLength)
      throw new RoomfulError(
        'message_too_long',
        `unable to edit the message; the limit is ${maxLength} characters`,
      )
    return this.change(appId, roomId, actor, messageId, 'edit', text, (target) => {
      if (actor.admin || target.user.id !== actor.id)
        throw new RoomfulError('forbidden', 'unable to edit the message; only its sender may')
      if (text.trim() === '' && target.attachment === undefined)
        throw new RoomfulError('bad_request', 'unable to edit the message; the text is blank')
    })
  }

  /** Deletes a message: its sender's own, or anyone's for a moderator or the admin key. Its text
   * and attachment are erased from storage; a tombstone stays. */
  delete(appId: string, roomId: string, actor: Actor, messageId: string): Promise<Message> {
    return this.change(appId, roomId, actor, messageId, 'delete', '', (target) => {
      if (!actor.admin && !actor.moderator && target.user.id !== actor.id)
        throw new RoomfulError(
          'forbidden',
          'unable to delete the message; only its sender or a moderator may',
        )
    })
  }

  history(appId: string, roomId: string, page: { before?: number; limit: number }): Promise<Message[]> {
    return this.deps.messages.history(appId, roomId, page)
  }

  /** A page of history as REST and the socket return it: seqs are gapless from 1, so more
   * exist exactly when the page does not start at seq 1. */
  async historyPage(
    appId: string,
    roomId: string,
    page: { before?: number; limit: number },
  ): Promise<HistoryResult> {
    const messages = await this.history(appId, roomId, page)
    return { messages, hasMore: (messages[0]?.seq ?? 1) > 1 }
  }

  since(appId: string, roomId: string, afterSeq: number, limit: number): Promise<Message[]> {
    return this.deps.messages.since(appId, roomId, afterSeq, limit)
  }

  private async store(input: Omit<NewMessage, 'id' | 'createdAt'>): Promise<Message> {
    const { message, duplicate } = await this.deps.batcher.append({
      ...input,
      id: newSortableId('m'),
      createdAt: new Date(),
    })
    // A duplicate is a retry of a send whose reply was lost, or whose COMMIT got no answer: the
    // original may never have reached anyone, so it goes out again (members drop it by seq).
    this.deliver(input.appId, input.roomId, message)
    if (!duplicate) {
      this.activity.record(input.appId, input.roomId, Date.now())
      if (input.kind !== 'notice')
        this.deps.webhooks?.emit(
          webhookEvent(
            'message.created',
            input.appId,
            { appId: input.appId, roomId: input.roomId, message },
            new Date(message.createdAt),
          ),
        )
    }
    return message
  }

  private async change(
    appId: string,
    roomId: string,
    actor: Actor,
    targetId: string,
    kind: MessageChange['kind'],
    text: string,
    authorize: MessageChange['authorize'],
  ): Promise<Message> {
    const { entry, target } = await this.deps.messages.change({
      id: newSortableId('m'),
      appId,
      roomId,
      kind,
      actor: { id: actor.id, name: actor.name, avatar: actor.avatar },
      targetId,
      text,
      createdAt: new Date(),
      authorize,
    })
    // The entry goes through the room feed like a message: same seq order on every node.
    this.deliver(appId, roomId, entry)
    if (kind === 'delete' && target.user.id !== actor.id) await this.audited(appId, roomId, actor, target)
    if (kind === 'delete' && this.deps.webhooks) {
      // Webhook bodies still to be sent are storage too: they lose the text before the reply.
      // The delete itself is committed, so a failure here is logged rather than refused.
      await this.deps.webhooks
        .forgetMessage(appId, roomId, target.seq)
        .catch((err: unknown) =>
          this.deps.log.warn({ err, room: roomId }, 'unable to erase a deleted message from webhook bodies'),
        )
      this.deps.webhooks.emit(
        webhookEvent(
          'message.deleted',
          appId,
          { appId, roomId, seq: entry.seq, message: target },
          new Date(entry.createdAt),
        ),
      )
    }
    return target
  }

  /** A moderation delete is committed when this runs (recordAction logs an entry it cannot write). */
  private audited(appId: string, roomId: string, actor: Actor, target: Message): Promise<void> {
    return recordAction(this.deps.audit, this.deps.log, {
      appId,
      actor: actor.id,
      action: 'message.delete',
      roomId,
      targetUserId: target.user.id,
      targetMessageId: target.id,
      reason: null,
      details: { seq: target.seq },
    })
  }

  private deliver(appId: string, roomId: string, message: Message): void {
    const frame = messageFrame(message)
    // This node's sockets get the message now, other nodes' through the bus. Delivery failures
    // do not undo a committed message: a node that misses this publish fetches the seq from
    // the store when the next one shows the gap.
    this.deps.feeds.share(appId, roomId, message.seq, frame)
  }
}
