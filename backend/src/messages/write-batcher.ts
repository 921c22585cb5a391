import { RoomfulError } from '../errors.js'
import type { AppendResult, MessageStore, NewMessage } from './message-store.js'

interface Pending {
  message: NewMessage
  resolve(result: AppendResult): void
  reject(err: unknown): void
}

/**
 * Group commit for the message write path. Sends queue here and go to the store in batches:
 * while `maxInFlight` transactions run, newcomers wait and then leave together, so batches
 * grow with load and an idle server still commits each send at once. A room is in at most one
 * in-flight batch, which keeps one sender's messages in the order they were sent.
 */
export class WriteBatcher {
  private queue: Pending[] = []
  private readonly busyRooms = new Set<string>()
  private inFlight = 0
  private scheduled = false
  private idleWaiters: Array<() => void> = []

  constructor(
    private readonly store: MessageStore,
    private readonly options = { maxBatch: 200, maxInFlight: 16 },
  ) {}

  append(message: NewMessage): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject })
      this.schedule()
    })
  }

  /** Resolves once everything queued so far is committed or failed. */
  drain(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  private schedule(): void {
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      this.flush()
    })
  }

  private flush(): void {
    while (this.queue.length > 0 && this.inFlight < this.options.maxInFlight) {
      const batch = this.takeBatch()
      if (batch.length === 0) break
      this.inFlight++
      void this.commit(batch)
    }
  }

  private takeBatch(): Pending[] {
    const batch: Pending[] = []
    const rest: Pending[] = []
    const taken = new Set<string>()
    for (const item of this.queue) {
      const room = `${item.message.appId}/${item.message.roomId}`
      if (batch.length < this.options.maxBatch && !this.busyRooms.has(room)) {
        batch.push(item)
        taken.add(room)
      } else rest.push(item)
    }
    for (const room of taken) this.busyRooms.add(room)
    this.queue = rest
    return batch
  }

  private async commit(batch: Pending[]): Promise<void> {
    try {
      const results = await this.store.append(batch.map((item) => item.message))
      batch.forEach((item, i) => item.resolve(results[i]!))
    } catch (err) {
      const error =
        err instanceof RoomfulError ? err : new RoomfulError('store_unavailable', undefined, { cause: err })
      for (const item of batch) item.reject(error)
    } finally {
      for (const item of batch) this.busyRooms.delete(`${item.message.appId}/${item.message.roomId}`)
      this.inFlight--
      if (this.queue.length > 0) this.schedule()
      else if (this.inFlight === 0) this.idleWaiters.splice(0).forEach((wake) => wake())
    }
  }
}
