import { RoomfulError } from '../errors.js'
import type { AppendResult, MessageStore, NewMessage } from './message-store.js'

interface Pending {
  message: NewMessage
  resolve(result: AppendResult): void
  reject(err: unknown): void
}

/**
 * Group commit for the message write path. Sends queue here and go to the store in batches:
 * while a transaction runs, newcomers wait and then leave together, so batches grow with load
 * and an idle server still commits each send at once. A further transaction starts beside the
 * running ones (up to `maxInFlight`) only once `moreWhenQueued` sends wait: under light load
 * every send joins the next batch instead of a transaction of its own, which at rooms of 10
 * cost MariaDB about a fifth more CPU per message and the node about a tenth more
 * (docs/performance.md), while heavy load still gets parallel commits. A room is in at most one
 * in-flight batch, which keeps one sender's messages in the order they were sent.
 *
 * Sends queue per room, so taking a batch costs a step per room with something queued, not
 * per queued send: a backlog of thousands must not make every batch slower to form.
 */
export class WriteBatcher {
  /** Per room, its queued sends in send order (Map order: rooms by their oldest queued send). */
  private readonly queues = new Map<string, Pending[]>()
  private readonly busyRooms = new Set<string>()
  private queued = 0
  private inFlight = 0
  private scheduled = false
  private idleWaiters: Array<() => void> = []

  constructor(
    private readonly store: MessageStore,
    private readonly options = { maxBatch: 200, maxInFlight: 8, moreWhenQueued: 32 },
  ) {}

  append(message: NewMessage): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      const room = `${message.appId}/${message.roomId}`
      let queue = this.queues.get(room)
      if (!queue) this.queues.set(room, (queue = []))
      queue.push({ message, resolve, reject })
      this.queued++
      this.schedule()
    })
  }

  /** Resolves once everything queued so far is committed or failed. */
  drain(): Promise<void> {
    if (this.queued === 0 && this.inFlight === 0) return Promise.resolve()
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
    const { maxInFlight, moreWhenQueued } = this.options
    while (
      this.queued > 0 &&
      (this.inFlight === 0 || (this.inFlight < maxInFlight && this.queued >= moreWhenQueued))
    ) {
      const { batch, rooms } = this.takeBatch()
      if (batch.length === 0) break
      this.inFlight++
      void this.commit(batch, rooms)
    }
  }

  private takeBatch(): { batch: Pending[]; rooms: string[] } {
    const batch: Pending[] = []
    const rooms: string[] = []
    for (const [room, queue] of this.queues) {
      if (batch.length >= this.options.maxBatch) break
      if (this.busyRooms.has(room)) continue
      const taken =
        queue.length <= this.options.maxBatch - batch.length
          ? queue
          : queue.splice(0, this.options.maxBatch - batch.length)
      if (taken === queue) this.queues.delete(room)
      for (const item of taken) batch.push(item)
      this.busyRooms.add(room)
      rooms.push(room)
    }
    this.queued -= batch.length
    return { batch, rooms }
  }

  private async commit(batch: Pending[], rooms: string[]): Promise<void> {
    try {
      const results = await this.store.append(batch.map((item) => item.message))
      batch.forEach((item, i) => item.resolve(results[i]!))
    } catch (err) {
      const error =
        err instanceof RoomfulError ? err : new RoomfulError('store_unavailable', undefined, { cause: err })
      for (const item of batch) item.reject(error)
    } finally {
      for (const room of rooms) this.busyRooms.delete(room)
      this.inFlight--
      if (this.queued > 0) this.schedule()
      else if (this.inFlight === 0) this.idleWaiters.splice(0).forEach((wake) => wake())
    }
  }
}
