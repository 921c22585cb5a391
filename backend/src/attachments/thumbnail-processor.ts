import type { Job } from 'bullmq'
import type { ThumbnailJob, ThumbnailProcessor } from './thumbnail-jobs.js'

/** Adapts the service's thumbnail maker to a BullMQ job; idempotent because the maker is. */
export function thumbnailJobProcessor(processor: ThumbnailProcessor) {
  return async (job: Job<ThumbnailJob>): Promise<void> => {
    await processor(job.data)
  }
}
