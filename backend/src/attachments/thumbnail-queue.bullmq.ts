import { Redis } from 'ioredis'
import type { ThumbnailJob, ThumbnailProcessor, ThumbnailQueue } from './thumbnail-jobs.js'
import { addThumbnail, createThumbnailQueue } from './thumbnail-queue.js'
import { createThumbnailWorker } from './thumbnail-worker.js'

/** Production: a BullMQ job per attachment, run by whichever node's worker takes it. */
export class BullmqThumbnailQueue implements ThumbnailQueue {
  private readonly queueConnection: Redis
  private readonly workerConnection: Redis
  private readonly queue
  private readonly worker
  private readonly onError: (err: unknown) => void
  private closed = false

  constructor(
    processor: ThumbnailProcessor,
    options: { redisUrl: string; prefix: string; onError?: (err: unknown) => void },
  ) {
    const onError = options.onError ?? ((err) => console.error('thumbnail job failed', err))
    this.onError = onError
    this.queueConnection = new Redis(options.redisUrl, { maxRetriesPerRequest: null })
    this.workerConnection = new Redis(options.redisUrl, { maxRetriesPerRequest: null })
    this.queue = createThumbnailQueue(this.queueConnection, options.prefix)
    this.queue.on('error', onError)
    this.worker = createThumbnailWorker(this.workerConnection, options.prefix, processor, onError)
  }

  request(job: ThumbnailJob): void {
    if (this.closed) return
    addThumbnail(this.queue, job).catch(this.onError)
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.worker.close()
    await this.queue.close()
    await Promise.allSettled([this.workerConnection.quit(), this.queueConnection.quit()])
  }
}
