/**
 * The one table of error codes, shared by the backend (error frames, REST bodies) and the SDK
 * (`RoomfulError.code`). Codes are stable strings: clients `switch` on them, so a code is never
 * renamed or reused for another meaning.
 */
export const ERROR_CODES = {
  bad_request: { status: 400, retryable: false },
  malformed_json: { status: 400, retryable: false },
  unknown_op: { status: 400, retryable: false },
  message_too_long: { status: 400, retryable: false },
  unauthenticated: { status: 401, retryable: false },
  token_invalid: { status: 401, retryable: false },
  token_expired: { status: 401, retryable: true },
  invalid_credentials: { status: 401, retryable: false },
  refresh_invalid: { status: 401, retryable: false },
  forbidden: { status: 403, retryable: false },
  read_only: { status: 403, retryable: false },
  room_archived: { status: 403, retryable: false },
  banned: { status: 403, retryable: false },
  muted: { status: 403, retryable: false },
  guest_read_only: { status: 403, retryable: false },
  origin_not_allowed: { status: 403, retryable: false },
  app_disabled: { status: 403, retryable: false },
  app_not_found: { status: 404, retryable: false },
  room_not_found: { status: 404, retryable: false },
  not_found: { status: 404, retryable: false },
  not_joined: { status: 409, retryable: false },
  email_taken: { status: 409, retryable: false },
  too_many_rooms: { status: 429, retryable: false },
  too_many_connections: { status: 429, retryable: true },
  rate_limited: { status: 429, retryable: true },
  slow_mode: { status: 429, retryable: true },
  payload_too_large: { status: 413, retryable: false },
  unsupported_media: { status: 415, retryable: false },
  store_unavailable: { status: 503, retryable: true },
  outcome_unknown: { status: 503, retryable: true },
  server_busy: { status: 503, retryable: true },
  shutting_down: { status: 503, retryable: true },
  timeout: { status: 504, retryable: true },
  disconnected: { status: 503, retryable: true },
  internal: { status: 500, retryable: true },
} as const satisfies Record<string, { status: number; retryable: boolean }>

export type ErrorCode = keyof typeof ERROR_CODES

/**
 * What each code means, in words: the default `message` of a server error with that code (a
 * server error always carries its message on the wire). Kept apart from `ERROR_CODES` so the
 * SDK bundle, which only needs each code's status and retryability, does not carry them.
 */
export const ERROR_MESSAGES: { readonly [C in ErrorCode]: string } = {
  bad_request: 'the request does not match its schema',
  malformed_json: 'the frame is not valid JSON',
  unknown_op: 'the frame names an operation the server does not know',
  message_too_long: 'the message is longer than the app allows',
  unauthenticated: 'authenticate first',
  token_invalid: 'the token is not valid for this app',
  token_expired: 'the token has expired; fetch a fresh one',
  invalid_credentials: 'the email or password is wrong',
  refresh_invalid: 'the refresh token is unknown, used or expired',
  forbidden: 'this identity may not do that',
  read_only: 'this room is read-only; only moderators send here',
  room_archived: 'this room is archived; its history is readable but nothing can be sent',
  banned: 'this user is banned here until the ban ends',
  muted: 'this user is muted here: reading works, sending does not until the mute ends',
  guest_read_only: 'guests can read but not send',
  origin_not_allowed: "the page's origin is not allowed by this app",
  app_disabled: 'the app is disabled',
  app_not_found: 'no such app',
  room_not_found: 'no such room in this app',
  not_found: 'no such resource',
  not_joined: 'join the room first',
  email_taken: 'an account with this email already exists in this app',
  too_many_rooms: 'this connection is in too many rooms',
  too_many_connections: 'this user has too many open connections',
  rate_limited: 'too many requests; slow down',
  slow_mode: 'this room is in slow mode; wait before sending again',
  payload_too_large: 'the body is larger than allowed',
  unsupported_media: 'the file is not an image the server accepts (png, jpeg, gif, webp)',
  store_unavailable: 'the message store is unavailable; nothing was saved',
  outcome_unknown:
    'the message store stopped answering while saving; send again with the same clientId to learn whether it was saved',
  server_busy: 'the server is busy; try again in a moment',
  shutting_down: 'this node is shutting down; reconnect',
  timeout: 'no reply in time',
  disconnected: 'the connection closed before a reply came',
  internal: 'unexpected server error',
}

/** The error shape on the wire, in error replies and in REST bodies (`{ error: WireError }`). */
export interface WireError {
  code: ErrorCode
  message: string
  /** On `slow_mode`: milliseconds until the next send is allowed. */
  retryAfterMs?: number
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, value)
}
