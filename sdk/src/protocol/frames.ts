import type { WireError } from './errors.js'
import type { Limits } from './limits.js'
import type {
  Identity,
  Message,
  Page,
  PresenceSnapshot,
  RankingBoard,
  Report,
  Room,
  Sanction,
  SanctionKind,
  UserProfile,
} from './models.js'

// ---- client → server -------------------------------------------------------------------------
// Every request carries a client-chosen `id` and gets exactly one reply frame with that id.

export interface AuthRequest {
  op: 'auth'
  id: string
  /** A user token (hosted account access token or host-minted); omit with `guest: true`. */
  token?: string
  guest?: boolean
}
export interface JoinRequest {
  op: 'join'
  id: string
  room: string
  /** Resume: the last seq this client has seen. Omit to get the latest page. */
  sinceSeq?: number
  /** How many latest messages to show on a fresh join (default 50). */
  limit?: number
}
export interface LeaveRequest {
  op: 'leave'
  id: string
  room: string
}
export interface SendRequest {
  op: 'send'
  id: string
  room: string
  /** Idempotency key chosen by the client; a retry with the same key returns the original. */
  clientId: string
  /** May be empty when `attachmentId` is set. */
  text: string
  /** An image uploaded by this user to this room (REST `POST …/attachments`): sends `kind: 'image'`. */
  attachmentId?: string
}
/** Replace the text of your own message; the room gets an `edit` entry (protocol.md §16). */
export interface EditRequest {
  op: 'edit'
  id: string
  room: string
  messageId: string
  text: string
}
/** Delete your own message, or anyone's as a moderator: its text and attachment are erased. */
export interface DeleteRequest {
  op: 'delete'
  id: string
  room: string
  messageId: string
}
/** Moderators: change a room's settings; members get `room.updated` (docs/moderation.md). */
export interface RoomUpdateRequest {
  op: 'room.update'
  id: string
  room: string
  slowModeSeconds?: number
  readOnly?: boolean
  archived?: boolean
}
/** Moderators: delete a room with its messages; members get `room.deleted`. */
export interface RoomDeleteRequest {
  op: 'room.delete'
  id: string
  room: string
}
/** Any signed-in member (not a guest): report a message to the app's moderators. */
export interface ReportRequest {
  op: 'report'
  id: string
  room: string
  messageId: string
  /** Why, in the reporter's words (at most 500 characters). */
  reason: string
}
/** Moderators: the app's reports, newest first (default: the open ones). */
export interface ReportsListRequest {
  op: 'reports.list'
  id: string
  status?: 'open' | 'resolved'
  limit?: number
  /** `nextCursor` of the previous page. */
  cursor?: string
}
/** Moderators: mark a report resolved. */
export interface ReportResolveRequest {
  op: 'report.resolve'
  id: string
  reportId: string
}
export interface HistoryRequest {
  op: 'history'
  id: string
  room: string
  /** Return messages with seq below this (default: the newest). */
  before?: number
  limit?: number
}
export interface TypingRequest {
  op: 'typing'
  id: string
  room: string
}
export interface RankingSubscribeRequest {
  op: 'ranking.subscribe'
  id: string
}
export interface RankingUnsubscribeRequest {
  op: 'ranking.unsubscribe'
  id: string
}
/** Lobby feed: rooms created and room occupancy changes in this app. */
export interface RoomsSubscribeRequest {
  op: 'rooms.subscribe'
  id: string
}
export interface RoomsUnsubscribeRequest {
  op: 'rooms.unsubscribe'
  id: string
}
/** What a ban or mute says: the user, app-wide or in `roomId` alone, for `durationSeconds`
 * (omit: until lifted). Imposing again replaces the sanction of the same kind and scope. */
interface SanctionFields {
  id: string
  userId: string
  roomId?: string
  durationSeconds?: number
  reason?: string
}
/** Moderators only: keep the user out of the app (their sockets close) or out of one room. */
export interface BanRequest extends SanctionFields {
  op: 'moderation.ban'
}
/** Moderators only: the user keeps reading, but sends are refused with `muted`. */
export interface MuteRequest extends SanctionFields {
  op: 'moderation.mute'
}
/** Moderators only: lift the ban or mute of that scope (a no-op when there is none). */
interface LiftFields {
  id: string
  userId: string
  roomId?: string
}
export interface UnbanRequest extends LiftFields {
  op: 'moderation.unban'
}
export interface UnmuteRequest extends LiftFields {
  op: 'moderation.unmute'
}
/** Moderators only: the sanctions in force in the app, newest first. */
export interface SanctionsRequest {
  op: 'moderation.sanctions'
  id: string
  kind?: SanctionKind
  roomId?: string
}
export interface PingRequest {
  op: 'ping'
  id: string
}

export type ClientFrame =
  | AuthRequest
  | JoinRequest
  | LeaveRequest
  | SendRequest
  | EditRequest
  | DeleteRequest
  | RoomUpdateRequest
  | RoomDeleteRequest
  | ReportRequest
  | ReportsListRequest
  | ReportResolveRequest
  | HistoryRequest
  | TypingRequest
  | RankingSubscribeRequest
  | RankingUnsubscribeRequest
  | RoomsSubscribeRequest
  | RoomsUnsubscribeRequest
  | BanRequest
  | MuteRequest
  | UnbanRequest
  | UnmuteRequest
  | SanctionsRequest
  | PingRequest

export type Op = ClientFrame['op']

// ---- results of each request ------------------------------------------------------------------

export interface AuthResult {
  user: Identity
  connectionId: string
  limits: Limits
}
export interface JoinResult {
  room: Room
  /** Ascending by seq. Fresh join: the latest page. Resume: everything after `sinceSeq`. */
  messages: Message[]
  /** 'latest': fresh join; 'resumed': exactly what was missed; 'too_old': the gap was too
   * large to replay, `messages` is the latest page and older ones come from history. */
  replay: 'latest' | 'resumed' | 'too_old'
  /** More messages exist before the first one returned. */
  hasMore: boolean
  presence: PresenceSnapshot
}
export interface HistoryResult {
  /** Ascending by seq. */
  messages: Message[]
  hasMore: boolean
}
export interface SendResult {
  message: Message
}
/** The changed message in its new state (for a delete: the tombstone). */
export interface ChangeResult {
  message: Message
}
export interface RoomResult {
  room: Room
}
export interface ReportResult {
  report: Report
}
export interface RankingSubscribeResult {
  board: RankingBoard
}
export type EmptyResult = Record<string, never>
export interface SanctionResult {
  sanction: Sanction
}
export interface SanctionsResult {
  sanctions: Sanction[]
}

export interface ResultMap {
  auth: AuthResult
  join: JoinResult
  leave: EmptyResult
  send: SendResult
  edit: ChangeResult
  delete: ChangeResult
  'room.update': RoomResult
  'room.delete': EmptyResult
  report: ReportResult
  'reports.list': Page<Report>
  'report.resolve': ReportResult
  history: HistoryResult
  typing: EmptyResult
  'ranking.subscribe': RankingSubscribeResult
  'ranking.unsubscribe': EmptyResult
  'rooms.subscribe': EmptyResult
  'rooms.unsubscribe': EmptyResult
  'moderation.ban': SanctionResult
  'moderation.mute': SanctionResult
  'moderation.unban': EmptyResult
  'moderation.unmute': EmptyResult
  'moderation.sanctions': SanctionsResult
  ping: { time: string }
}

// ---- server → client --------------------------------------------------------------------------

export type ReplyFrame<R = unknown> =
  { type: 'reply'; id: string; result: R } | { type: 'reply'; id: string; error: WireError }

export interface MessageEvent {
  type: 'message'
  room: string
  message: Message
}
export interface PresenceEvent {
  type: 'presence'
  room: string
  action: 'join' | 'leave'
  user: UserProfile
  /** Distinct users in the room after this change. */
  total: number
  /**
   * Orders the room's presence changes as the server made them, which is not always the order
   * they arrive in (two nodes publish independently). Grows with every change; apply a delta
   * only over state of a lower version: `total` from the highest one seen, each user's
   * join or leave from the highest one seen for that user.
   */
  version: number
}
export interface TypingEvent {
  type: 'typing'
  room: string
  user: UserProfile
}
export interface RankingEvent {
  type: 'ranking'
  board: RankingBoard
}
/** To `rooms.subscribe`rs: a room was created in this app. */
export interface RoomCreatedEvent {
  type: 'room.created'
  room: Room
}
/** To `rooms.subscribe`rs: a room's distinct-user count changed. */
export interface OccupancyEvent {
  type: 'occupancy'
  room: string
  occupancy: number
  /** The room's presence version at this count (see `PresenceEvent.version`): of two events for
   * one room, the higher version is the newer count, whichever arrived last. */
  version: number
}
/** To a room's members: a moderator changed its settings (`room` holds them). */
export interface RoomUpdatedEvent {
  type: 'room.updated'
  room: Room
}
/** To a room's members: the room was deleted; they are no longer in it. */
export interface RoomDeletedEvent {
  type: 'room.deleted'
  room: Room
}
/**
 * To every socket of the sanctioned user: a ban or mute now applies to them. An app-wide ban
 * is followed by the close (4007); a room ban by the user's removal from that room.
 */
export interface SanctionedEvent {
  type: 'sanctioned'
  sanction: Sanction
}
/** To every socket of the user: a moderator lifted their ban or mute of that scope. */
export interface SanctionLiftedEvent {
  type: 'sanction.lifted'
  sanction: Pick<Sanction, 'kind' | 'userId' | 'roomId'>
}
/** A problem with a frame that had no usable request id (e.g. malformed JSON). */
export interface ErrorEvent {
  type: 'error'
  error: WireError
}

export type ServerEvent =
  | MessageEvent
  | PresenceEvent
  | TypingEvent
  | RankingEvent
  | RoomCreatedEvent
  | OccupancyEvent
  | RoomUpdatedEvent
  | RoomDeletedEvent
  | SanctionedEvent
  | SanctionLiftedEvent
  | ErrorEvent
export type ServerFrame = ReplyFrame | ServerEvent
