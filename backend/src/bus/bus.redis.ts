import type { Redis } from 'ioredis'
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

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly options: RedisBusOptions,
  ) {
    this.onError = options.onError
    subscriber.on('message', (channel: string, payload: string) => this.deliver(channel, payload))
  }

  async publish(channel: string, payload: string): Promise<void> {
    await this.publisher.publish(this.options.prefix + channel, payload)
  }

  async subscribe(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>> {
    const full = this.options.prefix + channel
    const entry = (payload: string) => handler(payload)
    let sub = this.subs.get(full)
    if (!sub) {
      // Later subscribers await the same SUBSCRIBE: none returns before messages can arrive.
      sub = { handlers: new Set(), ready: this.subscriber.subscribe(full).then(() => undefined) }
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
      await this.subscriber.unsubscribe(full)
    }
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
