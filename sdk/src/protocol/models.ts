/** The public shape of a person, as shown next to messages and in presence. */
export interface UserProfile {
  id: string
  name: string
  avatar: string | null
}

/** The identity a connection authenticated as. */
export interface Identity extends UserProfile {
  /** Guests may read (lobby, ranking, history) but not send. */
  guest: boolean
  /** Present (and true) for a moderator of the app (a host token with `role: 'moderator'`):
   * may delete anyone's message. */
  moderator?: true
}

export interface Room {
  id: string
  name: string
  topic: string | null
  /** ISO 8601 creation time; the room list is ordered by it, newest first. */
  createdAt: string
  createdBy: string
  /** Distinct users in the room right now. */
  occupancy: number
  /** Present (and true) when the server could not read presence, e.g. while Redis is down:
   * `occupancy` is then 0 and means "unknown", not "empty". */
  occupancyUnknown?: true
  /** Seq of the newest message, 0 for an empty room. */
  lastSeq: number
  /** Slow mode: each user (moderators aside) sends at most once per this many seconds; 0 = off. */
  slowModeSeconds: number
  /** Only moderators may send. */
  readOnly: boolean
  /** Hidden from the room list and the ranking, refusing sends; history stays readable. */
  archived: boolean
}

/** The settings of a room a moderator can change (`room.update`), each optional in a change. */
export type RoomSettings = Pick<Room, 'slowModeSeconds' | 'readOnly' | 'archived'>

/** A member's report of a message, for the app's moderators. */
export interface Report {
  id: string
  roomId: string
  messageId: string
  /** User id of who reported it. */
  reportedBy: string
  reason: string
  status: 'open' | 'resolved'
  createdAt: string
  /** User id of the moderator who resolved it (`admin` for the admin key), or null while open. */
  resolvedBy: string | null
  resolvedAt: string | null
  /** The reported message as it is now (a tombstone once deleted), where the listing has it. */
  message?: Message
}

/**
 * `edit` and `delete` are changes to an earlier message (its id in `target`), each taking the
 * room's next seq like any message, so they reach every client in order, live and on resume.
 * Clients apply them to the target in place rather than showing them (docs/protocol.md §16).
 */
export type MessageKind = 'text' | 'notice' | 'image' | 'edit' | 'delete'
/** The kinds a person sends and may later edit or delete. */
export type ChangeKind = 'edit' | 'delete'
export type NoticeKind = 'join' | 'leave'

export interface Attachment {
  id: string
  contentType: string
  bytes: number
  width: number
  height: number
  url: string
  thumbnailUrl: string | null
}

export interface Message {
  /** Unique id of the stored message. */
  id: string
  roomId: string
  /** Strictly increasing per room, with no gaps: the resume cursor. */
  seq: number
  kind: MessageKind
  user: UserProfile
  /** The text as sent; empty for notices. Always render as text, never as HTML. */
  text: string
  /** The sender's idempotency key; null for notices. */
  clientId: string | null
  createdAt: string
  /** For `kind: 'notice'`: what happened. */
  notice?: NoticeKind
  attachment?: Attachment
  /** For `kind: 'edit' | 'delete'`: the id of the message changed. `user` is who changed it,
   * `createdAt` when, and for an edit `text` is the new text. */
  target?: string
  /** The message was edited (its `text` is the latest); when it last was. */
  editedAt?: string
  /** The message was deleted: a tombstone, its text '' and its attachment gone from storage. */
  deletedAt?: string
  /** Who deleted it (the sender, a moderator, or `admin` for the operator's admin key). */
  deletedBy?: string
}

export interface PresenceSnapshot {
  /** Users in the room, capped (see `total` for the full count). */
  users: UserProfile[]
  /** Distinct users in the room. */
  total: number
  /** Where this snapshot stands among the room's presence changes: it holds every delta of a
   * lower `version` and none of a higher one (see `PresenceEvent.version`). */
  version: number
}

export interface RankingEntry {
  roomId: string
  name: string
  occupancy: number
  lastActivityAt: string | null
}

export interface RankingBoard {
  entries: RankingEntry[]
  updatedAt: string
}

export interface Page<T> {
  items: T[]
  /** Pass back as `cursor` for the next page; null when there is none. */
  nextCursor: string | null
}

/** `ban`: kept out (of the app, or of one room); `mute`: may read but not send. */
export type SanctionKind = 'ban' | 'mute'

/**
 * A ban or a mute of one user, app-wide (`roomId` null) or in one room, in force until
 * `expiresAt` (null: until lifted). One per kind, user and scope: imposing again replaces it.
 */
export interface Sanction {
  kind: SanctionKind
  userId: string
  roomId: string | null
  reason: string | null
  /** The moderator's user id, or `admin` for the operator's admin key. */
  createdBy: string
  createdAt: string
  expiresAt: string | null
}

/** One moderation action as the audit log shows it: who (`actor`: a user id, or `admin`), what,
 * to what, when and why (docs/moderation.md#audit-log). */
export interface AuditEntryView {
  id: string
  at: string
  actor: string
  action:
    | 'message.delete'
    | 'user.ban'
    | 'user.unban'
    | 'user.mute'
    | 'user.unmute'
    | 'room.update'
    | 'room.delete'
    | 'report.resolve'
    | 'moderator.grant'
    | 'moderator.revoke'
  roomId: string | null
  targetUserId: string | null
  targetMessageId: string | null
  reason: string | null
  details: Record<string, unknown> | null
}

/** What login, signup and refresh return for hosted accounts. */
export interface AuthSession {
  user: UserProfile & { email: string }
  accessToken: string
  /** Seconds until `accessToken` expires. */
  expiresIn: number
  /** Single use: each refresh returns a new one and retires this one. */
  refreshToken: string
}
