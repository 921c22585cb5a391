import { ERROR_CODES, ERROR_MESSAGES, type ErrorCode, type WireError } from '@roomful/sdk/protocol'

/**
 * The backend's one error type. Services throw it with a stable code from the protocol table;
 * the REST and WebSocket edges turn it into `{ code, message }` without knowing where it came
 * from. Anything else thrown is a bug and is reported as `internal` (and logged).
 */
export class RoomfulError extends Error {
  readonly code: ErrorCode
  /** Response headers a REST answer carries with this error (`Retry-After`, `RateLimit-*`). */
  readonly headers: Readonly<Record<string, string>>
  /** On the wire as `retryAfterMs`: when the same request will be taken (slow mode). */
  readonly retryAfterMs: number | undefined
  constructor(
    code: ErrorCode,
    message?: string,
    options?: { cause?: unknown; headers?: Record<string, string>; retryAfterMs?: number },
  ) {
    super(message ?? ERROR_MESSAGES[code], options)
    this.name = 'RoomfulError'
    this.code = code
    this.headers = options?.headers ?? {}
    this.retryAfterMs = options?.retryAfterMs
  }

  get status(): number {
    return ERROR_CODES[this.code].status
  }

  toWire(): WireError {
    const wire: WireError = { code: this.code, message: this.message }
    if (this.retryAfterMs !== undefined) wire.retryAfterMs = this.retryAfterMs
    return wire
  }
}

export const fail = (code: ErrorCode, message?: string): never => {
  throw new RoomfulError(code, message)
}

/**
 * What the edges answer for `err`: itself if it is a RoomfulError; `store_unavailable` for a
 * Redis command that failed because the connection is down (ioredis gave up retrying it, or the
 * connection closed under it), which is an outage to retry after, not a bug; else null (a bug,
 * answered `internal` and logged).
 */
export function knownError(err: unknown): RoomfulError | null {
  if (err instanceof RoomfulError) return err
  if (
    err instanceof Error &&
    (err.name === 'MaxRetriesPerRequestError' || err.message === 'Connection is closed.')
  )
    return new RoomfulError('store_unavailable', 'unable to reach Redis; retry shortly', { cause: err })
  return null
}

export function toWireError(err: unknown): WireError {
  return knownError(err)?.toWire() ?? { code: 'internal', message: ERROR_MESSAGES.internal }
}
