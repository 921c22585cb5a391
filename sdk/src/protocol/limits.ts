/** Per-app limits. Every app starts from these and may override any of them. */
export interface Limits {
  /** Largest WebSocket frame a client may send, in bytes; larger closes with 1009. */
  maxFrameBytes: number
  /** Longest message text, in characters (UTF-16 code units, as `String.length`). */
  maxMessageLength: number
  /** Rooms one connection may be joined to at once. */
  maxRoomsPerConnection: number
  /** Sustained sends per second per user (token bucket refill rate). */
  sendsPerSecond: number
  /** Sends a user may burst above the sustained rate. */
  sendBurst: number
  /** Open WebSocket connections per user (tabs, devices). */
  maxConnectionsPerUser: number
  /** Requests of any kind per connection per second before rate-limit errors. */
  framesPerSecond: number
  /** Rate-limit errors in a row before the server closes the socket as a flood. */
  floodStrikes: number
  /** Largest page of history or room list. */
  maxPageSize: number
  /** Messages a join with `sinceSeq` replays at most; older gaps get `replay: 'too_old'`. */
  maxReplay: number
  /** Minimum interval between typing events one user sends to one room. */
  typingIntervalMs: number
  /** Largest image attachment a user may upload, in bytes; larger gets `payload_too_large`. */
  maxAttachmentBytes: number
  /** How long a user whose last connection in a room closed (other than by `leave`) still
   * counts as present; back in the room within it, on any node, nobody sees them go. */
  presenceGraceMs: number
}

export const DEFAULT_LIMITS: Limits = {
  maxFrameBytes: 16 * 1024,
  maxMessageLength: 4000,
  maxRoomsPerConnection: 20,
  sendsPerSecond: 10,
  sendBurst: 20,
  maxConnectionsPerUser: 10,
  framesPerSecond: 50,
  floodStrikes: 20,
  maxPageSize: 100,
  maxReplay: 1000,
  typingIntervalMs: 2000,
  maxAttachmentBytes: 5 * 1024 * 1024,
  presenceGraceMs: 5000,
}

/** Default number of messages shown on entering a room. */
export const DEFAULT_HISTORY_PAGE = 50
/** Default size of the live ranking board. */
export const DEFAULT_RANKING_SIZE = 10
/** The WebSocket subprotocol of this version of the wire protocol. */
export const SUBPROTOCOL = 'roomful.v1'
/** Longest user token accepted, in characters, on the WebSocket and on every REST route:
 * anything longer is refused before it is parsed. */
export const MAX_TOKEN_CHARS = 8192
/** Seconds a connection has to send its auth frame after the upgrade. */
export const AUTH_TIMEOUT_MS = 10_000
