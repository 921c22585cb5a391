import type { JobQueueRegistry } from '../metrics/metrics.js'
import { BullmqJobs } from '../storage/bullmq-jobs.js'
import { addRecompute, createRankingQueue, type RecomputeJobData } from './ranking-queue.js'
import type { RankingProcessor, RankingScheduler } from './ranking-scheduler.js'
import { createRankingWorker } from './ranking-worker.js'

export interface BullmqSchedulerOptions {
  redisUrl: string
  prefix: string
  windowMs?: number
  onError: (err: unknown) => void
  /** Where the queue reports its depth. */
  queues?: JobQueueRegistry
}

/** Production scheduler: a deduplicated, delayed BullMQ job per app. */
export class BullmqRankingScheduler implements RankingScheduler {
  private readonly jobs: BullmqJobs<RecomputeJobData>
  private readonly windowMs: number

  constructor(processor: RankingProcessor, options: BullmqSchedulerOptions) {
    this.windowMs = options.windowMs ?? 100
    const { onError } = options
    this.jobs = new BullmqJobs<RecomputeJobData>(
      options.redisUrl,
      {
        queue: (connection) => createRankingQueue(connection, { prefix: options.prefix }),
        worker: (connection) => createRankingWorker(connection, options.prefix, processor, onError),
      },
      onError,
      options.queues,
    )
  }

  /** Resolves once the worker is connected and will pick up jobs. */
  ready(): Promise<void> {
    return this.jobs.ready()
  }

  request(appId: string): void {
    if (this.jobs.isClosed) return
    // Fire and forget (the interface is synchronous): a lost request only delays the board
    // until the next change, and is logged.
    addRecompute(this.jobs.queue, appId, this.windowMs).catch(this.jobs.onError)
  }

  close(): Promise<void> {
    return this.jobs.close()
  }
}
