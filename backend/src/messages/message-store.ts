import type { Attachment, Message, MessageKind, NoticeKind, UserProfile } from '@roomful/sdk/protocol'

export interface NewMessage {
  id: string
  appId: string
  roomId: string
  kind: MessageKind
  user: UserProfile
  text: string
  /** Idempotency key; null for notices. Unique per (room, user). */
  clientId: string | null
  notice?: NoticeKind
  attachment?: Attachment
  createdAt: Date
}

export interface AppendResult {
  message: Message
  /** True when (room, user, clientId) was already stored: `message` is the original. */
  duplicate: boolean
}

export interface MessageStore {
  /**
   * Stores a batch durably, all or nothing: allocates each room's next seqs (strictly
   * increasing, no gaps, unique across nodes) and bumps the rooms' `lastSeq` in the same
   * transaction. Returns one result per input, in input order. Rejects when the store is
   * unreachable; then nothing of the batch is stored.
   */
  append(batch: NewMessage[]): Promise<AppendResult[]>
  /** The `limit` newest messages with seq < `before` (default: newest), ascending. */
  history(appId: string, roomId: string, page: { before?: number; limit: number }): Promise<Message[]>
  /** Messages with seq > `afterSeq`, ascending, at most `limit`. */
  since(appId: string, roomId: string, afterSeq: number, limit: number): Promise<Message[]>
}
