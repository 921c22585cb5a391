/**
 * The one table of error codes, shared by the backend (error frames, REST bodies) and the SDK
 * (`RoomfulError.code`). Codes are stable strings: clients `switch` on them, so a code is never
 * renamed or reused for another meaning.
 */
export const ERROR_CODES = {
  bad_request: { status: 400, retryable: false, message: 'the request does not match its schema' },
  malformed_json: { status: 400, retryable: false, message: 'the frame is not valid JSON' },
  unknown_op: {
    status: 400,
    retryable: false,
    message: 'the frame names an operation the server does not know',
  },
  message_too_long: { status: 400, retryable: false, message: 'the message is longer than the app allows' },
  unauthenticated: { status: 401, retryable: false, message: 'authenticate first' },
  token_invalid: { status: 401, retryable: false, message: 'the token is not valid for this app' },
  token_expired: { status: 401, retryable: true, message: 'the token has expired; fetch a fresh one' },
  invalid_credentials: { status: 401, retryable: false, message: 'the email or password is wrong' },
  refresh_invalid: {
    status: 401,
    retryable: false,
    message: 'the refresh token is unknown, used or expired',
  },
  forbidden: { status: 403, retryable: false, message: 'this identity may not do that' },
  guest_read_only: { status: 403, retryable: false, message: 'guests can read but not send' },
  origin_not_allowed: {
    status: 403,
    retryable: false,
    message: "the page's origin is not allowed by this app",
  },
  app_disabled: { status: 403, retryable: false, message: 'the app is disabled' },
  app_not_found: { status: 404, retryable: false, message: 'no such app' },
  room_not_found: { status: 404, retryable: false, message: 'no such room in this app' },
  not_found: { status: 404, retryable: false, message: 'no such resource' },
  not_joined: { status: 409, retryable: false, message: 'join the room first' },
  email_taken: {
    status: 409,
    retryable: false,
    message: 'an account with this email already exists in this app',
  },
  too_many_rooms: { status: 429, retryable: false, message: 'this connection is in too many rooms' },
  too_many_connections: { status: 429, retryable: true, message: 'this user has too many open connections' },
  rate_limited: { status: 429, retryable: true, message: 'too many requests; slow down' },
  payload_too_large: { status: 413, retryable: false, message: 'the body is larger than allowed' },
  unsupported_media: {
    status: 415,
    retryable: false,
    message: 'the file is not an image the server accepts (png, jpeg, gif, webp)',
  },
  store_unavailable: {
    status: 503,
    retryable: true,
    message: 'the message store is unavailable; nothing was saved',
  },
  shutting_down: { status: 503, retryable: true, message: 'this node is shutting down; reconnect' },
  timeout: { status: 504, retryable: true, message: 'no reply in time' },
  disconnected: { status: 503, retryable: true, message: 'the connection closed before a reply came' },
  internal: { status: 500, retryable: true, message: 'unexpected server error' },
} as const satisfies Record<string, { status: number; retryable: boolean; message: string }>

export type ErrorCode = keyof typeof ERROR_CODES

/** The error shape on the wire, in error replies and in REST bodies (`{ error: WireError }`). */
export interface WireError {
  code: ErrorCode
  message: string
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, value)
}
