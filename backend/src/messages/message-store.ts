import type {
  Attachment,
  ChangeKind,
  Message,
  MessageKind,
  NoticeKind,
  UserProfile,
} from '@roomful/sdk/protocol'

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

/** An edit or delete of a stored message: a new entry in the room's log (see `MessageStore.change`). */
export interface MessageChange {
  /** Id of the new entry. */
  id: string
  appId: string
  roomId: string
  kind: ChangeKind
  /** Who changes it; `deletedBy` of a delete is `actor.id`. */
  actor: UserProfile
  targetId: string
  /** The new text of an edit; '' for a delete. */
  text: string
  createdAt: Date
  /**
   * Throws (a RoomfulError) when the actor may not make this change to `target`, read in the
   * change's transaction, so the check and the write see the same state.
   */
  authorize(target: Message): void
}

export interface ChangeResult {
  /** The new log entry (`kind` edit or delete), with the room's next seq. */
  entry: Message
  /** The target in its new state. */
  target: Message
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
  /**
   * Applies an edit or delete atomically: takes the room's next seq for the change's entry and
   * stores the target's new state. A delete erases the target's text and attachment, and the
   * text of every earlier edit of it. Rejects with `not_found` when no such message (or one
   * already deleted, or a notice or change entry) is in the room, and with whatever
   * `authorize` throws; then nothing is stored and no seq is used.
   */
  change(change: MessageChange): Promise<ChangeResult>
  /** The `limit` newest messages with seq < `before` (default: newest), ascending. */
  history(appId: string, roomId: string, page: { before?: number; limit: number }): Promise<Message[]>
  /** One message (or change entry) of the room by id, as stored now; null when there is none. */
  get(appId: string, roomId: string, messageId: string): Promise<Message | null>
  /** Messages with seq > `afterSeq`, ascending, at most `limit`. */
  since(appId: string, roomId: string, afterSeq: number, limit: number): Promise<Message[]>
}
