import type { JobQueueRegistry } from '../metrics/metrics.js'
import { BullmqJobs } from '../storage/bullmq-jobs.js'
import type { DeliveryJob, DeliveryProcessor, DeliveryQueue, DeliveryQueueOptions } from './delivery-jobs.js'
import { addDeliveries, createDeliveryQueue, forgetBodies } from './delivery-queue.js'
import { createDeliveryWorker } from './delivery-worker.js'

/** Production: a BullMQ job per delivery, run by whichever node's worker takes it; retries are
 * delayed jobs, so they survive a restart of the node that made them. */
export class BullmqDeliveryQueue implements DeliveryQueue {
  private readonly jobs: BullmqJobs<DeliveryJob>

  constructor(
    processor: DeliveryProcessor,
    options: DeliveryQueueOptions & {
      redisUrl: string
      prefix: string
      onError: (err: unknown) => void
      /** Where the queue reports its depth. */
      queues?: JobQueueRegistry
    },
  ) {
    const { onError } = options
    this.jobs = new BullmqJobs<DeliveryJob>(
      options.redisUrl,
      {
        queue: (connection) => createDeliveryQueue(connection, options.prefix),
        worker: (connection) => createDeliveryWorker(connection, options.prefix, processor, options, onError),
      },
      onError,
      options.queues,
    )
  }

  async enqueue(jobs: DeliveryJob[]): Promise<void> {
    if (this.jobs.isClosed) throw new Error('unable to queue webhook deliveries; the queue is closed')
    await addDeliveries(this.jobs.queue, jobs)
  }

  forget(deliveryIds: string[]): Promise<void> {
    return forgetBodies(this.jobs.queue, deliveryIds)
  }

  close(): Promise<void> {
    return this.jobs.close()
  }
}
