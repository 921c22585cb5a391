/**
 * Group commit: an item waits only for the write in flight, then goes with every item that
 * arrived meanwhile (at most `maxBatch` per write), so an idle node writes each item at once
 * and a busy one writes many with one statement. `add` settles when its item's write does.
 */
export class GroupCommit<T> {
  private waiting: Array<{ item: T; resolve(): void; reject(err: unknown): void }> = []
  private writing = false

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly maxBatch = 200,
  ) {}

  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject })
      if (!this.writing) void this.drain()
    })
  }

  private async drain(): Promise<void> {
    this.writing = true
    // The items added in the same turn of the event loop join the first write.
    await new Promise((resolve) => setImmediate(resolve))
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch)
      try {
        await this.write(batch.map((entry) => entry.item))
        for (const entry of batch) entry.resolve()
      } catch (err) {
        for (const entry of batch) entry.reject(err)
      }
    }
    this.writing = false
  }
}
