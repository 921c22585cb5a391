import { Worker, type Job } from 'bullmq'
import type { Redis } from 'ioredis'
import { bullPrefix } from '../ranking/ranking-queue.js'
import {
  crashRetryMs,
  DEFAULT_DELIVERY_CONCURRENCY,
  type DeliveryJob,
  type DeliveryProcessor,
  type DeliveryQueueOptions,
} from './delivery-jobs.js'
import { DELIVERY_QUEUE } from './delivery-queue.js'

/** Thrown to hand BullMQ the processor's retry delay; an expected outcome, not an error. */
class RetryLater extends Error {
  constructor(readonly delayMs: number) {
    super(`attempt failed; retrying in ${delayMs} ms`)
  }
}

/** Every node runs one; `connection` must have `maxRetriesPerRequest: null` (BullMQ blocks on it). */
export function createDeliveryWorker(
  connection: Redis,
  prefix: string,
  processor: DeliveryProcessor,
  options: DeliveryQueueOptions,
  onError: (err: unknown) => void,
): Worker<DeliveryJob> {
  const worker = new Worker<DeliveryJob>(
    DELIVERY_QUEUE,
    async (job: Job<DeliveryJob>) => {
      // attemptsMade counts the attempts that already failed, so this one is the next.
      const outcome = await processor(job.data, job.attemptsMade + 1)
      if (!outcome) return
      // Failed at the receiver: the retries read the record instead of keeping a copy (should
      // that fail, they carry it on, and the delay asked for still holds).
      if (job.data.body)
        await job.updateData({ appId: job.data.appId, deliveryId: job.data.deliveryId }).catch(onError)
      throw new RetryLater(outcome.retryInMs)
    },
    {
      connection,
      prefix: bullPrefix(prefix),
      concurrency: options.concurrency ?? DEFAULT_DELIVERY_CONCURRENCY,
      // A job is taken for stalled (and run again elsewhere) only well after its deadline.
      lockDuration: options.timeoutMs + 30_000,
      settings: {
        backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) =>
          err instanceof RetryLater ? err.delayMs : crashRetryMs(attemptsMade),
      },
    },
  )
  worker.on('error', onError)
  worker.on('failed', (_job, err) => {
    if (!(err instanceof RetryLater)) onError(err)
  })
  return worker
}
