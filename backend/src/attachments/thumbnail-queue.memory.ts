import type { ThumbnailJob, ThumbnailProcessor, ThumbnailQueue } from './thumbnail-jobs.js'

/** Embedded mode: jobs run one at a time on this process, after the request that asked. */
export class MemoryThumbnailQueue implements ThumbnailQueue {
  private tail: Promise<void> = Promise.resolve()
  private closed = false

  constructor(
    private readonly processor: ThumbnailProcessor,
    private readonly onError: (err: unknown) => void,
  ) {}

  request(job: ThumbnailJob): void {
    if (this.closed) return
    this.tail = this.tail.then(() => this.processor(job)).catch(this.onError)
  }

  async close(): Promise<void> {
    this.closed = true
    await this.tail
  }
}
