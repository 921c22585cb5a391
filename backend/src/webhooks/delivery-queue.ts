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
 * delivery's state (dead letters included) lives in the delivery store, not in BullMQ. A job
 * that carries a body has its delivery's id as job id, so that `forgetBodies` finds it; the
 * others (redeliveries) take BullMQ's own, so one never meets the finished job of an earlier
 * run that is still being removed.
 */
export async function addDeliveries(queue: Queue<DeliveryJob>, jobs: DeliveryJob[]): Promise<void> {
  if (jobs.length === 0) return
  await queue.addBulk(
    jobs.map((data) => ({
      name: DELIVERY_JOB,
      data,
      opts: {
        ...(data.body && { jobId: data.deliveryId }),
        attempts: JOB_ATTEMPTS_CEILING,
        backoff: { type: DELIVERY_BACKOFF },
        removeOnComplete: true,
        removeOnFail: true,
      },
    })),
  )
}

/** Drops the body of each delivery's queued job, whatever its state; a job already gone
 * (finished, or never queued with a body) is skipped. */
export async function forgetBodies(queue: Queue<DeliveryJob>, deliveryIds: string[]): Promise<void> {
  await Promise.all(
    deliveryIds.map(async (id) => {
      const job = await queue.getJob(id)
      if (!job?.data.body) return
      const { body: _dropped, ...rest } = job.data
      await job.updateData(rest).catch((err: unknown) => {
        // Finished and removed meanwhile: its body went with it.
        if (!String(err).includes('Missing key')) throw err
      })
    }),
  )
}
