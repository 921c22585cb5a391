import type { Redis } from 'ioredis'
import { onReadyAfterLoss } from '../storage/redis-retry.js'
import type { Bus } from './bus.js'

export interface RedisBusOptions {
  /** Prepended to every channel, like the presence keys, so deployments sharing a Redis stay apart. */
  prefix: string
  /** A subscriber's handler threw. */
  onError: (err: unknown) => void
}

/**
 * Fan-out between nodes over Redis pub/sub: one connection publishes, one (in subscriber
 * mode, where it can do nothing else) receives. Each channel is SUBSCRIBEd once whatever the
 * number of local handlers; the count changes synchronously and commands on one connection
 * run in order, so a subscribe racing an unsubscribe cannot leave the channel in the wrong state.
 */
export class RedisBus implements Bus {
  private readonly subs = new Map<
    string,
    { handlers: Set<(payload: string) => void>; ready: Promise<void> }
  >()
  private readonly onError: (err: unknown) => void
  /** While the subscriber connects (or reconnects): resolves once it is ready. */
  private readyGate: Promise<void> | null = null
  /** Publishes made in the current tick, written to Redis together (see `publish`). */
  private outbox: Array<{
    channel: string
    payload: string
    done(err: Error | null, receivers?: number): void
  }> = []
  /** Bumped when the subscriber connection is lost and when it is back. */
  private generation = 0
  /** The generation in which every subscription was last known in place on Redis. */
  private confirmed = 0
  private readonly reconnectListeners: Array<() => void> = []

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly options: RedisBusOptions,
  ) {
    this.onError = options.onError
    subscriber.on('message', (channel: string, payload: string) => this.deliver(channel, payload))
    subscriber.on('close', () => this.generation++)
    onReadyAfterLoss(subscriber, () => void this.confirmSubscriptions())
  }

  /**
   * Publishes made in one tick (say, every message of a committed batch) leave as one pipeline:
   * one write to the socket instead of one per message. Order on the connection is kept. The
   * count of receivers is trusted only when this node's subscriptions were in place on Redis
   * from before the publish until its reply.
   */
  publish(channel: string, payload: string): Promise<number | null> {
    // `confirmed` only ever catches up with `generation`: in place at the publish and no loss by
    // its reply means in place throughout.
    const generation = this.generation
    const inPlace = this.confirmed === generation && this.subscriber.status === 'ready'
    return new Promise((resolve, reject) => {
      if (this.outbox.length === 0) process.nextTick(() => this.flushOutbox())
      this.outbox.push({
        channel: this.options.prefix + channel,
        payload,
        done: (err, receivers) =>
          err ? reject(err) : resolve(inPlace && generation === this.generation ? (receivers ?? null) : null),
      })
    })
  }

  /**
   * After a reconnect ioredis subscribes again on its own, but only after announcing "ready":
   * subscribing to every channel once more and waiting for the reply tells when they are all
   * in place, and only then are the reconnect listeners called.
   */
  private async confirmSubscriptions(): Promise<void> {
    const generation = ++this.generation
    const channels = [...this.subs.keys()]
    try {
      if (channels.length > 0) await this.subscriber.subscribe(...channels)
    } catch {
      return // lost again: the next "ready" confirms
    }
    if (generation !== this.generation) return
    this.confirmed = generation
    for (const listener of this.reconnectListeners) listener()
  }

  private flushOutbox(): void {
    const sending = this.outbox
    this.outbox = []
    if (sending.length === 1) {
      const [only] = sending as [(typeof sending)[0]]
      this.publisher.publish(only.channel, only.payload).then(
        (receivers) => only.done(null, receivers),
        (err: Error) => only.done(err),
      )
      return
    }
    const pipeline = this.publisher.pipeline()
    for (const item of sending) pipeline.publish(item.channel, item.payload)
    pipeline.exec().then(
      (results) =>
        sending.forEach((item, i) => {
          const [err, receivers] = results?.[i] ?? [null, null]
          item.done(err, typeof receivers === 'number' ? receivers : undefined)
        }),
      (err: Error) => sending.forEach((item) => item.done(err)),
    )
  }

  onReconnect(listener: () => void): void {
    onReadyAfterLoss(this.publisher, listener)
    this.reconnectListeners.push(listener)
  }

  async subscribe(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>> {
    const full = this.options.prefix + channel
    const entry = (payload: string) => handler(payload)
    let sub = this.subs.get(full)
    if (!sub) {
      // Later subscribers await the same SUBSCRIBE: none returns before messages can arrive.
      sub = { handlers: new Set(), ready: this.whenReady(() => this.subscriber.subscribe(full)) }
      this.subs.set(full, sub)
    }
    sub.handlers.add(entry)
    try {
      await sub.ready
    } catch (err) {
      if (this.subs.get(full) === sub) this.subs.delete(full)
      throw err
    }
    let done = false
    return async () => {
      if (done) return
      done = true
      const current = this.subs.get(full)
      if (!current?.handlers.delete(entry) || current.handlers.size > 0) return
      this.subs.delete(full)
      await this.whenReady(() => this.subscriber.unsubscribe(full))
    }
  }

  /**
   * Runs `command` once the subscriber connection is ready, in call order. ioredis (5.8 and
   * later) can write a SUBSCRIBE issued during its connection handshake among the handshake's
   * own commands; Redis then refuses those in subscriber mode and the subscription is lost
   * without a word (redis/ioredis#2037; seen here as a node that never heard the sanctions
   * channel it subscribed to at start-up). Every subscribe and unsubscribe waits on the same
   * promise, so they still reach Redis in the order they were made.
   */
  private whenReady(command: () => Promise<unknown>): Promise<void> {
    if (this.subscriber.status !== 'ready' && !this.readyGate)
      this.readyGate = new Promise<void>((resolve) =>
        this.subscriber.once('ready', () => {
          this.readyGate = null
          resolve()
        }),
      )
    return (this.readyGate ?? Promise.resolve()).then(command).then(() => undefined)
  }

  async close(): Promise<void> {
    this.subs.clear()
    await Promise.allSettled([this.subscriber.quit(), this.publisher.quit()])
  }

  private deliver(channel: string, payload: string): void {
    const sub = this.subs.get(channel)
    if (!sub) return
    for (const handler of [...sub.handlers]) {
      try {
        handler(payload)
      } catch (err) {
        this.onError(err)
      }
    }
  }
}
