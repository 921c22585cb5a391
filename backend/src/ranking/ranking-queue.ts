import { Queue } from 'bullmq'
import type { Redis } from 'ioredis'

export const RANKING_QUEUE = 'ranking'
export const RECOMPUTE_JOB = 'recompute'

export interface RecomputeJobData {
  appId: string
}

export interface RankingQueueOptions {
  /** Key prefix shared with the rest of the deployment, e.g. `rf:`; BullMQ keys go under `<prefix>bull`. */
  prefix: string
  /** Coalescing window: requests within it after the first add nothing. */
  windowMs?: number
}

export function createRankingQueue(connection: Redis, options: RankingQueueOptions): Queue<RecomputeJobData> {
  return new Queue<RecomputeJobData>(RANKING_QUEUE, { connection, prefix: bullPrefix(options.prefix) })
}

/**
 * Asks for one recomputation of the app's board. The deduplication id is the app, so a burst
 * of requests from every node adds one delayed job; once the window (ttl) has passed, a new
 * request adds a new job, which is how a change during a run still gets its own run.
 */
export function addRecompute(queue: Queue<RecomputeJobData>, appId: string, windowMs = 100) {
  return queue.add(
    RECOMPUTE_JOB,
    { appId },
    {
      deduplication: { id: appId, ttl: windowMs },
      delay: windowMs,
      removeOnComplete: true,
      removeOnFail: 100,
    },
  )
}

/** BullMQ joins prefix and queue name with ':', so the deployment prefix loses its trailing one. */
export const bullPrefix = (prefix: string) => `${prefix}bull`
