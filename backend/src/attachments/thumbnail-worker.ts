import { Worker } from 'bullmq'
import type { Redis } from 'ioredis'
import { bullPrefix } from '../ranking/ranking-queue.js'
import type { ThumbnailJob, ThumbnailProcessor } from './thumbnail-jobs.js'
import { thumbnailJobProcessor } from './thumbnail-processor.js'
import { THUMBNAIL_QUEUE } from './thumbnail-queue.js'

/** Every node runs one; `connection` must have `maxRetriesPerRequest: null` (BullMQ blocks on it). */
export function createThumbnailWorker(
  connection: Redis,
  prefix: string,
  processor: ThumbnailProcessor,
  onError: (err: unknown) => void,
): Worker<ThumbnailJob> {
  const worker = new Worker<ThumbnailJob>(THUMBNAIL_QUEUE, thumbnailJobProcessor(processor), {
    connection,
    prefix: bullPrefix(prefix),
    concurrency: 2,
  })
  worker.on('error', onError)
  worker.on('failed', (_job, err) => onError(err))
  return worker
}
