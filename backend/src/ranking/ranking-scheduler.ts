/**
 * Coalesces ranking recomputations: a burst of joins in one app costs one recomputation
 * (a deduplicated BullMQ job in production, a debounce timer in embedded mode).
 */
export interface RankingScheduler {
  /** Asks for the app's board to be recomputed soon (within the coalescing window). */
  request(appId: string): void
  close(): Promise<void>
}

/** Does the recomputation; run by whichever node picks the job. Idempotent. */
export type RankingProcessor = (appId: string) => Promise<void>
