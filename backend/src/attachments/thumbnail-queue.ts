import { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import { bullPrefix } from '../ranking/ranking-queue.js'
import type { ThumbnailJob } from './thumbnail-jobs.js'

export const THUMBNAIL_QUEUE = 'thumbnails'
export const THUMBNAIL_JOB = 'thumbnail'

export function createThumbnailQueue(connection: Redis, prefix: string): Queue<ThumbnailJob> {
  return new Queue<ThumbnailJob>(THUMBNAIL_QUEUE, { connection, prefix: bullPrefix(prefix) })
}

/** One job per attachment (the job id), retried a few times with backoff. */
export function addThumbnail(queue: Queue<ThumbnailJob>, job: ThumbnailJob) {
  return queue.add(THUMBNAIL_JOB, job, {
    jobId: `${job.appId}.${job.attachmentId}`,
    attempts: 3,
    backoff: { type: 'exponential', delay: 200 },
    removeOnComplete: true,
    removeOnFail: 100,
  })
}
