import type { RoomfulError } from './errors.js'
import type { PendingSend } from './outbox.js'
import type { ErrorCode } from './protocol/errors.js'
import type { Message, Room as RoomInfo, Sanction, UserProfile } from './protocol/models.js'
import type { GapReset, MessageChange } from './room-log.js'

/** Everything a room reports, by event name: see `room.on()`. */
export interface RoomEvents {
  /** Every new entry of the room's log in seq order, once each: text, image and notices. */
  message: Message
  /** Join/leave notices only (also emitted as `message`). */
  notice: Message
  /**
   * A message was edited or deleted (by anyone, you included), in seq order with messages,
   * live and on resume. `messages` already holds its new state: re-render `message`, or show
   * a tombstone when `action` is `delete`.
   */
  change: MessageChange
  presence: PresenceChange
  /** Someone (not you) is typing. */
  typing: { user: UserProfile }
  /** A resume gap was too large to refill; the log continues after `to`. Clear and reload. */
  reset: GapReset
  /** The room's status changed; see `RoomStatus`. */
  status: RoomStatusChange
  /** You were banned from this room (the room then fails with `banned`) or muted in it. */
  sanctioned: Sanction
  /** A send was queued, stored, failed or discarded: the unfinished sends now. */
  pending: readonly PendingSend[]
  /** A moderator changed the room's slow mode, read-only or archive setting (`info` too). */
  settings: RoomInfo
  /** The room was deleted: the room has left it (status `failed`, code `room_not_found`). */
  deleted: undefined
}

/** A change of who is in the room, with the resulting list. */
export interface PresenceChange {
  /** `sync`: a fresh snapshot (on join and on every rejoin after a reconnect). */
  action: 'join' | 'leave' | 'sync'
  /** Who joined or left; null for `sync`. */
  user: UserProfile | null
  /** Distinct users in the room (may exceed `members.length`: snapshots are capped). */
  total: number
  members: UserProfile[]
}

/**
 * - `initialized`: `join()` was never called;
 * - `joining`: `join()` was called and its first reply has not come;
 * - `joined`: live: messages, presence and typing arrive, sends go out;
 * - `suspended`: the connection is down (or the room is being rejoined); sends wait, and the
 *   room resumes from its last seen message once the connection is back;
 * - `leaving`, then `left`: `leave()` was called;
 * - `failed`: the server refused the room (e.g. `room_not_found`) or the client stopped before
 *   the first join; `reason.error` says why. `join()` starts again.
 */
export type RoomStatus = 'initialized' | 'joining' | 'joined' | 'suspended' | 'leaving' | 'left' | 'failed'

/** Why the status changed. */
export interface RoomStatusReason {
  /**
   * `join` (`join()` was called), `joined`, `connection_lost`, `leave` (`leave()` was called),
   * `left`, or for `failed` the error's code.
   */
  code: 'join' | 'joined' | 'connection_lost' | 'leave' | 'left' | ErrorCode
  /** On `failed`: the error, also the one `join()` rejected with. */
  error?: RoomfulError
}

export interface RoomStatusChange {
  previous: RoomStatus
  current: RoomStatus
  reason: RoomStatusReason
}
