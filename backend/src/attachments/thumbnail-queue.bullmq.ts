import type { JobQueueRegistry } from '../metrics/metrics.js'
import { BullmqJobs } from '../storage/bullmq-jobs.js'
import type { ThumbnailJob, ThumbnailProcessor, ThumbnailQueue } from './thumbnail-jobs.js'
import { addThumbnail, createThumbnailQueue } from './thumbnail-queue.js'
import { createThumbnailWorker } from './thumbnail-worker.js'

/** Production: a BullMQ job per attachment, run by whichever node's worker takes it. */
export class BullmqThumbnailQueue implements ThumbnailQueue {
  private readonly jobs: BullmqJobs<ThumbnailJob>

  constructor(
    processor: ThumbnailProcessor,
    options: {
      redisUrl: string
      prefix: string
      onError: (err: unknown) => void
      queues?: JobQueueRegistry
    },
  ) {
    const { onError } = options
    this.jobs = new BullmqJobs<ThumbnailJob>(
      options.redisUrl,
      {
        queue: (connection) => createThumbnailQueue(connection, options.prefix),
        worker: (connection) => createThumbnailWorker(connection, options.prefix, processor, onError),
      },
      onError,
      options.queues,
    )
  }

  request(job: ThumbnailJob): void {
    if (this.jobs.isClosed) return
    addThumbnail(this.jobs.queue, job).catch(this.jobs.onError)
  }

  close(): Promise<void> {
    return this.jobs.close()
  }
}
