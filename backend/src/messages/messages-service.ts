import type { Attachment, HistoryResult, Message, NoticeKind, UserProfile } from '@roomful/sdk/protocol'
import { channels, type Bus } from '../bus/bus.js'
import { newSortableId } from '../ids.js'
import type { Logger } from '../logger.js'
import type { PresenceStore } from '../presence/presence-store.js'
import { webhookEvent } from '../webhooks/webhook-payloads.js'
import type { Webhooks } from '../webhooks/webhooks.js'
import { envelope } from './frames.js'
import type { MessageStore, NewMessage } from './message-store.js'
import type { WriteBatcher } from './write-batcher.js'

/**
 * The write path: persist (batched) → ack → publish once to every node. A send is acked only
 * after its transaction commits; a retry with the same client id returns the stored original
 * and publishes nothing new.
 */
export class MessagesService {
  constructor(
    private readonly deps: {
      batcher: WriteBatcher
      messages: MessageStore
      presence: PresenceStore
      bus: Bus
      /** Told of every new text or image message, after its commit; never awaited. */
      webhooks?: Pick<Webhooks, 'emit'>
      log: Logger
    },
  ) {}

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
    if (!duplicate) {
      // Delivery failures do not undo a committed message: a node that misses this publish
      // fetches the seq from the store when the next one shows the gap.
      this.deps.bus
        .publish(channels.room(input.appId, input.roomId), envelope.message(message))
        .catch((err) => this.deps.log.warn({ err, room: input.roomId }, 'unable to publish a stored message'))
      this.deps.presence
        .touch(input.appId, input.roomId, Date.now())
        .catch((err) => this.deps.log.warn({ err }, 'unable to record room activity'))
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
}
