import type { RankingProcessor, RankingScheduler } from './ranking-scheduler.js'

export interface DebounceOptions {
  /** The coalescing window: requests within it after the first cost one run. */
  windowMs?: number
  onError: (err: unknown, appId: string) => void
}

/**
 * Embedded equivalent of the deduplicated BullMQ job: one timer per app. A burst of requests
 * runs the processor once; a request arriving while it runs schedules exactly one more run
 * after it, so the board never misses the last change and never runs twice at once.
 */
export class DebounceRankingScheduler implements RankingScheduler {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>()
  private readonly running = new Map<string, Promise<void>>()
  private readonly rerun = new Set<string>()
  private readonly windowMs: number
  private readonly onError: (err: unknown, appId: string) => void
  private closed = false

  constructor(
    private readonly processor: RankingProcessor,
    options: DebounceOptions,
  ) {
    this.windowMs = options.windowMs ?? 100
    this.onError = options.onError
  }

  request(appId: string): void {
    if (this.closed) return
    if (this.running.has(appId)) {
      this.rerun.add(appId)
      return
    }
    if (this.timers.has(appId)) return
    this.timers.set(
      appId,
      setTimeout(() => this.run(appId), this.windowMs),
    )
  }

  async close(): Promise<void> {
    this.closed = true
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
    this.rerun.clear()
    await Promise.allSettled([...this.running.values()])
  }

  private run(appId: string): void {
    this.timers.delete(appId)
    const done = (async () => {
      try {
        await this.processor(appId)
      } catch (err) {
        this.onError(err, appId)
      }
    })()
    this.running.set(appId, done)
    void done.then(() => {
      this.running.delete(appId)
      if (this.rerun.delete(appId)) this.request(appId)
    })
  }
}
