import { Worker } from 'bullmq'
import type { Redis } from 'ioredis'
import { rankingJobProcessor } from './ranking-processor.js'
import { bullPrefix, RANKING_QUEUE, type RecomputeJobData } from './ranking-queue.js'
import type { RankingProcessor } from './ranking-scheduler.js'

/**
 * Runs recomputations on this node. Every node runs one; BullMQ hands each job to exactly one.
 * `connection` must have `maxRetriesPerRequest: null` (BullMQ blocks on it).
 */
export function createRankingWorker(
  connection: Redis,
  prefix: string,
  processor: RankingProcessor,
  onError: (err: unknown) => void,
): Worker<RecomputeJobData> {
  const worker = new Worker<RecomputeJobData>(RANKING_QUEUE, rankingJobProcessor(processor), {
    connection,
    prefix: bullPrefix(prefix),
    concurrency: 1,
  })
  worker.on('error', onError)
  worker.on('failed', (_job, err) => onError(err))
  return worker
}
