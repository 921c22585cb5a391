import { ERROR_CODES, isErrorCode, type ErrorCode, type WireError } from './protocol/errors.js'

/**
 * The one error type the SDK throws and rejects with, for REST calls and socket requests alike.
 * `code` is a stable string from the protocol's error table, so `switch (err.code)` narrows.
 *
 * @example
 * try {
 *   await room.send({ text })
 * } catch (err) {
 *   if (isRoomfulError(err) && err.code === 'rate_limited') showSlowDown()
 * }
 */
export class RoomfulError extends Error {
  override readonly name = 'RoomfulError'
  /** Stable error code, from `ERROR_CODES`. */
  readonly code: ErrorCode
  /** HTTP status of a REST error, or the table's status for socket errors. */
  readonly status: number
  /** On `slow_mode`: milliseconds until the room takes your next message. */
  retryAfterMs?: number
  constructor(code: ErrorCode, message?: string, status?: number) {
    // Every error the SDK raises itself says why, and every server error carries its message;
    // the code stands in only for a wire error that came without one.
    super(message ?? code)
    this.code = code
    this.status = status ?? ERROR_CODES[code].status
  }
  /** Whether the same request may succeed later (e.g. `rate_limited`, `timeout`). */
  get retryable(): boolean {
    return ERROR_CODES[this.code].retryable
  }
}

/**
 * Whether `value` is a {@link RoomfulError}.
 *
 * @example
 * if (isRoomfulError(err) && err.code === 'token_expired') await refresh()
 */
export const isRoomfulError = (value: unknown): value is RoomfulError => value instanceof RoomfulError

/** A wire error (`{ code, message }`) as a RoomfulError; unknown codes become `internal`. */
export const fromWire = (e: Partial<WireError> | null | undefined, status?: number): RoomfulError => {
  const error = new RoomfulError(isErrorCode(e?.code) ? e.code : 'internal', e?.message, status)
  if (typeof e?.retryAfterMs === 'number') error.retryAfterMs = e.retryAfterMs
  return error
}
