/** One delivery to attempt. */
export interface DeliveryJob {
  appId: string
  deliveryId: string
  /**
   * What the attempt sends, carried by the jobs the dispatcher queues so that their first
   * attempt reads nothing from the delivery store. Absent on redeliveries, dropped by the
   * runners once an attempt failed at the receiver (so the retries waiting in the queue hold
   * no copy of the event) and by `forget` (a deleted message): the attempt then reads the
   * delivery's record.
   */
  body?: { endpointId: string; payload: string }
}

/** What an attempt decided: null when nothing is left to do (delivered, dead, gone), or the
 * delay after which the runner must attempt again. */
export type AttemptOutcome = { retryInMs: number } | null

/**
 * Attempts one delivery; `attempt` counts from 1 for each job. A job without a `body` reads
 * the delivery's record, so it does nothing when it runs again after its delivery was
 * delivered or declared dead; one with a body sends it (only a job taken for stalled runs
 * twice, and receivers de-duplicate by `webhook-id`). It decides itself when the last attempt
 * has failed, so the runners only follow its outcome.
 */
export type DeliveryProcessor = (job: DeliveryJob, attempt: number) => Promise<AttemptOutcome>

/** Runs delivery jobs: BullMQ in production, in process in embedded mode, same semantics. */
export interface DeliveryQueue {
  enqueue(jobs: DeliveryJob[]): Promise<void>
  /** Drops the `body` the queued jobs of these deliveries carry, wherever they wait. */
  forget(deliveryIds: string[]): Promise<void>
  /** Stops taking jobs and waits for the attempts in flight. */
  close(): Promise<void>
}

export interface DeliveryQueueOptions {
  /** Attempts in flight at once on this node. */
  concurrency?: number
  /** The sender's deadline per attempt; a job is never considered stalled before it. */
  timeoutMs: number
}

export const DEFAULT_DELIVERY_CONCURRENCY = 16
/** Safety bound on BullMQ's own attempt counter; the processor stops long before it. */
export const JOB_ATTEMPTS_CEILING = 100
const MAX_DELAY_MS = 24 * 3_600_000

/**
 * Exponential backoff: `baseMs` after the first failure, doubling after each further one,
 * with up to 20 % taken off at random so endpoints that failed together are not retried in
 * one burst. A receiver's `Retry-After` is honoured when it asks for longer. Capped at a day.
 */
export function retryDelayMs(
  failedAttempts: number,
  baseMs: number,
  retryAfterMs: number | null = null,
): number {
  const exponential = baseMs * 2 ** (failedAttempts - 1)
  const jittered = Math.round(exponential * (1 - Math.random() * 0.2))
  return Math.min(Math.max(jittered, retryAfterMs ?? 0), MAX_DELAY_MS)
}

/** When the processor itself threw (a store was unreachable), the runner retries after this. */
export const crashRetryMs = (attempt: number) => Math.min(1000 * 2 ** (attempt - 1), 60_000)
