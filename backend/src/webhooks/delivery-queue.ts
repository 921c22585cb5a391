import { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import { bullPrefix } from '../ranking/ranking-queue.js'
import { JOB_ATTEMPTS_CEILING, type DeliveryJob } from './delivery-jobs.js'

export const DELIVERY_QUEUE = 'webhooks'
export const DELIVERY_JOB = 'deliver'
/** The worker's custom backoff strategy (delivery-worker.ts) computes every retry's delay. */
export const DELIVERY_BACKOFF = 'webhook'

export function createDeliveryQueue(connection: Redis, prefix: string): Queue<DeliveryJob> {
  return new Queue<DeliveryJob>(DELIVERY_QUEUE, { connection, prefix: bullPrefix(prefix) })
}

/**
 * One job per delivery, added in one round trip. Finished jobs are removed at once: the
 * delivery's state (dead letters included) lives in the delivery store, not in BullMQ.
 */
export async function addDeliveries(queue: Queue<DeliveryJob>, jobs: DeliveryJob[]): Promise<void> {
  if (jobs.length === 0) return
  await queue.addBulk(
    jobs.map((data) => ({
      name: DELIVERY_JOB,
      data,
      opts: {
        attempts: JOB_ATTEMPTS_CEILING,
        backoff: { type: DELIVERY_BACKOFF },
        removeOnComplete: true,
        removeOnFail: true,
      },
    })),
  )
}
