import {
  crashRetryMs,
  DEFAULT_DELIVERY_CONCURRENCY,
  JOB_ATTEMPTS_CEILING,
  type DeliveryJob,
  type DeliveryProcessor,
  type DeliveryQueue,
  type DeliveryQueueOptions,
} from './delivery-jobs.js'

interface Run {
  job: DeliveryJob
  attempt: number
}

/**
 * Embedded mode's runner, with BullMQ's semantics as the production queue uses them: at most
 * `concurrency` attempts at once, each job retried after the delay its attempt asked for (or
 * a short backoff when the processor threw), the attempt number counted per job, a job's
 * body dropped once an attempt failed at the receiver. Retries wait on timers, so they die
 * with the process, like everything else in embedded mode.
 */
export class MemoryDeliveryQueue implements DeliveryQueue {
  private readonly waiting: Run[] = []
  private head = 0
  private readonly timers = new Set<NodeJS.Timeout>()
  private running = 0
  private idle: Array<() => void> = []
  private closed = false
  private readonly concurrency: number
  /** The jobs that still carry a body, by delivery id, for `forget`. */
  private readonly withBody = new Map<string, DeliveryJob>()

  constructor(
    private readonly processor: DeliveryProcessor,
    options: Pick<DeliveryQueueOptions, 'concurrency'>,
    private readonly onError: (err: unknown) => void,
  ) {
    this.concurrency = options.concurrency ?? DEFAULT_DELIVERY_CONCURRENCY
  }

  async enqueue(jobs: DeliveryJob[]): Promise<void> {
    if (this.closed) throw new Error('unable to queue webhook deliveries; the queue is closed')
    for (const job of jobs) {
      // A copy, so dropping its body later leaves the caller's object alone.
      const own = { ...job }
      if (own.body) this.withBody.set(own.deliveryId, own)
      this.waiting.push({ job: own, attempt: 1 })
    }
    this.pump()
  }

  async forget(deliveryIds: string[]): Promise<void> {
    for (const id of deliveryIds) {
      const job = this.withBody.get(id)
      if (job) delete job.body
      this.withBody.delete(id)
    }
  }

  async close(): Promise<void> {
    this.closed = true
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
    this.waiting.length = this.head = 0
    this.withBody.clear()
    if (this.running > 0) await new Promise<void>((resolve) => this.idle.push(resolve))
  }

  private dropBody(job: DeliveryJob): void {
    delete job.body
    this.withBody.delete(job.deliveryId)
  }

  private pump(): void {
    while (!this.closed && this.running < this.concurrency && this.head < this.waiting.length) {
      const next = this.waiting[this.head++]!
      // Drop the consumed prefix now and then instead of shifting the array on every job.
      if (this.head > 1024 && this.head * 2 > this.waiting.length) {
        this.waiting.splice(0, this.head)
        this.head = 0
      }
      void this.run(next)
    }
  }

  private async run({ job, attempt }: Run): Promise<void> {
    this.running += 1
    let retryInMs: number | null = null
    try {
      retryInMs = (await this.processor(job, attempt))?.retryInMs ?? null
      // Failed at the receiver: the retries read the record instead of keeping a copy.
      if (retryInMs !== null) this.dropBody(job)
    } catch (err) {
      this.onError(err)
      retryInMs = attempt < JOB_ATTEMPTS_CEILING ? crashRetryMs(attempt) : null
    }
    this.running -= 1
    if (retryInMs === null || this.closed) this.dropBody(job)
    else {
      const timer = setTimeout(() => {
        this.timers.delete(timer)
        this.waiting.push({ job, attempt: attempt + 1 })
        this.pump()
      }, retryInMs)
      timer.unref()
      this.timers.add(timer)
    }
    if (this.running === 0) this.idle.splice(0).forEach((resolve) => resolve())
    this.pump()
  }
}
