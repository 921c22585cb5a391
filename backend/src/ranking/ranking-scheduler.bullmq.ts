import { Redis } from 'ioredis'
import { addRecompute, createRankingQueue } from './ranking-queue.js'
import type { RankingProcessor, RankingScheduler } from './ranking-scheduler.js'
import { createRankingWorker } from './ranking-worker.js'

export interface BullmqSchedulerOptions {
  redisUrl: string
  prefix: string
  windowMs?: number
  onError?: (err: unknown) => void
}

/**
 * Production scheduler: a deduplicated, delayed BullMQ job per app. Owns its two Redis
 * connections (BullMQ's worker blocks on its own, and needs `maxRetriesPerRequest: null`).
 */
export class BullmqRankingScheduler implements RankingScheduler {
  private readonly queueConnection: Redis
  private readonly workerConnection: Redis
  private readonly queue
  private readonly worker
  private readonly windowMs: number
  private readonly onError: (err: unknown) => void
  private closed = false

  constructor(processor: RankingProcessor, options: BullmqSchedulerOptions) {
    this.windowMs = options.windowMs ?? 100
    this.onError = options.onError ?? ((err) => console.error('ranking job failed', err))
    this.queueConnection = new Redis(options.redisUrl, { maxRetriesPerRequest: null })
    this.workerConnection = new Redis(options.redisUrl, { maxRetriesPerRequest: null })
    this.queue = createRankingQueue(this.queueConnection, { prefix: options.prefix })
    this.queue.on('error', this.onError)
    this.worker = createRankingWorker(this.workerConnection, options.prefix, processor, this.onError)
  }

  /** Resolves once the worker is connected and will pick up jobs. */
  async ready(): Promise<void> {
    await Promise.all([this.queue.waitUntilReady(), this.worker.waitUntilReady()])
  }

  request(appId: string): void {
    if (this.closed) return
    // Fire and forget (the interface is synchronous): a lost request only delays the board
    // until the next change, and is logged.
    addRecompute(this.queue, appId, this.windowMs).catch(this.onError)
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.worker.close()
    await this.queue.close()
    await Promise.allSettled([this.workerConnection.quit(), this.queueConnection.quit()])
  }
}
