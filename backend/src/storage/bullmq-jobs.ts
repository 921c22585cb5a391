import type { Queue, Worker } from 'bullmq'
import { Redis } from 'ioredis'
import { JOB_STATES, type JobQueueRegistry } from '../metrics/metrics.js'
import { redisRetryStrategy } from './redis-retry.js'

/**
 * A BullMQ queue and the worker that runs its jobs on this node, with the two Redis
 * connections they own: the worker blocks on its own connection, and BullMQ needs
 * `maxRetriesPerRequest: null` on both. Errors (of the connections, the queue and the worker)
 * go to `onError`; close() stops the worker first so no job starts on a closing queue. Every
 * queue made here reports its depth to `queues`, whatever its job.
 */
export class BullmqJobs<Data> {
  readonly queue: Queue<Data>
  private readonly worker: Worker<Data>
  private readonly connections: Redis[]
  private closed = false
  private readonly unwatch: () => void

  constructor(
    redisUrl: string,
    make: { queue(connection: Redis): Queue<Data>; worker(connection: Redis): Worker<Data> },
    readonly onError: (err: unknown) => void,
    queues?: JobQueueRegistry,
  ) {
    const [queueConnection, workerConnection] = [0, 1].map(
      () => new Redis(redisUrl, { maxRetriesPerRequest: null, retryStrategy: redisRetryStrategy }),
    )
    this.connections = [queueConnection!, workerConnection!]
    for (const connection of this.connections) connection.on('error', onError)
    this.queue = make.queue(queueConnection!)
    this.queue.on('error', onError)
    this.worker = make.worker(workerConnection!)
    const queue = this.queue
    this.unwatch =
      queues?.watchQueue({ name: queue.name, counts: () => queue.getJobCounts(...JOB_STATES) }) ?? (() => {})
  }

  get isClosed(): boolean {
    return this.closed
  }

  /** Resolves once the worker is connected and will pick up jobs. */
  async ready(): Promise<void> {
    await Promise.all([this.queue.waitUntilReady(), this.worker.waitUntilReady()])
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.unwatch()
    await this.worker.close()
    await this.queue.close()
    await Promise.allSettled(this.connections.map((connection) => connection.quit()))
  }
}
