/** Reconnect delay bounds, in milliseconds. */
export interface BackoffOptions {
  /** Smallest delay (default 500). */
  min?: number
  /** Largest delay (default 20,000). */
  max?: number
}

/**
 * Full-jitter exponential backoff: a random delay in `[min, min(max, min + min·2^attempt)]`, so a
 * crowd of clients dropped at once spreads its reconnects out instead of stampeding.
 *
 * @example
 * backoff(0) // somewhere in 500..1000 ms
 * backoff(10, { min: 100, max: 5000 }) // somewhere in 100..5000 ms
 */
export function backoff(
  attempt: number,
  { min = 500, max = 20_000 }: BackoffOptions = {},
  random = Math.random,
) {
  return Math.min(max, min + random() * Math.min(max, min * 2 ** Math.min(attempt, 30)))
}
