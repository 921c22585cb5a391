/**
 * The longest wait after the server itself answered (it closed the socket with a retryable
 * code, or refused a request retryably): it is up and cheap to ask again, and what it lacked (a
 * database, say) may be back any moment. The growing backoff is for a server that cannot be
 * reached at all.
 */
export const ANSWERED_MAX_MS = 1_000

/**
 * The longest wait before reconnecting after close 4103 (lagging): the server is fine, only that
 * socket fell behind. A little jitter keeps a node's lagging sockets from all coming back in
 * the same tick.
 */
export const LAGGING_MAX_MS = 50

/** The delay before reconnecting after 4103: somewhere in `[0, LAGGING_MAX_MS)`. */
export const laggingDelay = (random = Math.random) => random() * LAGGING_MAX_MS

/** Reconnect delay bounds, in milliseconds. */
export interface BackoffOptions {
  /** Smallest delay (default 500). */
  min?: number
  /** Largest delay (default 2,000: a client is back within about 2 s of its server, however
   * long the outage; raise it to spread a very large crowd's reconnects further). */
  max?: number
}

/**
 * Full-jitter exponential backoff: a random delay in `[min, min(max, min + min·2^attempt)]`, so a
 * crowd of clients dropped at once spreads its reconnects out instead of stampeding.
 *
 * @example
 * backoff(0) // somewhere in 500..1000 ms
 * backoff(10, { min: 100, max: 5000 }) // somewhere in 100..5000 ms
 * backoff(10) // somewhere in 500..2000 ms: the default ceiling
 */
export function backoff(
  attempt: number,
  { min = 500, max = 2_000 }: BackoffOptions = {},
  random = Math.random,
) {
  return Math.min(max, min + random() * Math.min(max, min * 2 ** Math.min(attempt, 30)))
}

/** The backoff after a retryable answer from a live server: the options, held under
 * `ANSWERED_MAX_MS` (and its quarter for the minimum). */
export function answeredBackoff(attempt: number, options: BackoffOptions = {}, random = Math.random) {
  const under = (value: number | undefined, ceiling: number) => Math.min(value ?? ceiling, ceiling)
  const max = under(options.max, ANSWERED_MAX_MS)
  return backoff(attempt, { min: under(options.min, ANSWERED_MAX_MS / 4), max }, random)
}

const g = globalThis as {
  navigator?: { onLine?: boolean }
  addEventListener?: typeof addEventListener
}

/** Resolves at once, or when the browser says it is back online: no attempt is made before. */
export function online(): Promise<void> {
  if (g.navigator?.onLine !== false || !g.addEventListener) return Promise.resolve()
  return new Promise((resolve) => g.addEventListener?.('online', () => resolve(), { once: true }))
}
