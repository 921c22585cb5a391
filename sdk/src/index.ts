/**
 * `@roomful/sdk`: a typed client for Roomful live chat rooms, for browsers and Node.
 * Reconnecting, gap-free, idempotent; zero runtime dependencies.
 */
export { createClient } from './client.js'
export type { Client, ClientOptions, ClientEvents } from './client.js'
export type { Auth, AuthOptions } from './auth.js'
export type { Rooms, LobbyEvent } from './rooms.js'
export type { Ranking } from './ranking.js'
export type { RoomModeration } from './room-moderation.js'
export type { Moderation, SanctionOptions, SanctionTarget } from './moderation.js'
export type { Room, JoinInfo } from './room.js'
export type {
  RoomEvents,
  RoomStatus,
  RoomStatusChange,
  RoomStatusReason,
  PresenceChange,
} from './room-events.js'
export type { GapReset, MessageChange, RoomOptions } from './room-log.js'
export type { PendingSend, Sends } from './outbox.js'
export type {
  ConnectionState,
  StateChange,
  StateReason,
  WebSocketLike,
  WebSocketConstructor,
} from './connection.js'
export type { Unsubscribe } from './emitter.js'
export { backoff } from './backoff.js'
export type { BackoffOptions } from './backoff.js'
export { RoomfulError, isRoomfulError } from './errors.js'

export { ERROR_CODES, isErrorCode } from './protocol/errors.js'
export type { ErrorCode, WireError } from './protocol/errors.js'
export { CLOSE, shouldReconnect } from './protocol/close-codes.js'
export type { CloseCode } from './protocol/close-codes.js'
export { DEFAULT_LIMITS, SUBPROTOCOL } from './protocol/limits.js'
export type { Limits } from './protocol/limits.js'
export type {
  UserProfile,
  Identity,
  Room as RoomInfo,
  MessageKind,
  NoticeKind,
  Attachment,
  Message,
  PresenceSnapshot,
  RankingEntry,
  RankingBoard,
  Page,
  AuthSession,
  Report,
  RoomSettings,
  Sanction,
  SanctionKind,
  AuditEntryView,
} from './protocol/models.js'
export type {
  HistoryResult,
  JoinResult,
  MessageEvent,
  PresenceEvent,
  TypingEvent,
  RankingEvent,
  RoomCreatedEvent,
  OccupancyEvent,
  RoomUpdatedEvent,
  RoomDeletedEvent,
  SanctionedEvent,
  SanctionLiftedEvent,
} from './protocol/frames.js'
