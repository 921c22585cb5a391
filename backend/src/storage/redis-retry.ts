import type { Redis } from 'ioredis'

/**
 * How soon a lost Redis connection tries again: 50 ms more each attempt, at most 500 ms apart
 * (ioredis's default grows to 2 s). A node must notice a returning Redis quickly, since it
 * re-asserts its presence as soon as it reconnects; an attempt every half second is cheap.
 */
export const redisRetryStrategy = (attempt: number): number => Math.min(attempt * 50, 500)

/** Calls `listener` each time `connection` is ready again after it was lost (not at the first
 * connect): whatever it should have carried meanwhile may be missing. */
export function onReadyAfterLoss(connection: Pick<Redis, 'on'>, listener: () => void): void {
  let lost = false
  connection.on('close', () => (lost = true))
  connection.on('ready', () => {
    if (!lost) return
    lost = false
    listener()
  })
}
