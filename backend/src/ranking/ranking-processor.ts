import type { Job } from 'bullmq'
import type { RecomputeJobData } from './ranking-queue.js'
import type { RankingProcessor } from './ranking-scheduler.js'

/** Adapts the service's recomputation to a BullMQ job. Idempotent because the processor is:
 * it recomputes from the current presence, whatever ran before. */
export function rankingJobProcessor(processor: RankingProcessor) {
  return async (job: Job<RecomputeJobData>): Promise<void> => {
    await processor(job.data.appId)
  }
}
