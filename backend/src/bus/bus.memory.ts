import type { Bus } from './bus.js'

/**
 * In-process fan-out (embedded mode: one node, so "between nodes" is within this process).
 * Delivery is asynchronous, as over Redis, so callers cannot come to rely on a publish
 * running handlers before it returns.
 */
export class MemoryBus implements Bus {
  private readonly handlers = new Map<string, Set<(payload: string) => void>>()
  private closed = false

  constructor(private readonly onError: (err: unknown) => void) {}

  onReconnect(_listener: () => void): void {
    // In process: never lost.
  }

  async publish(channel: string, payload: string): Promise<number> {
    const handlers = this.handlers.get(channel)
    if (!handlers || this.closed) return 0
    const targets = [...handlers]
    queueMicrotask(() => {
      for (const handler of targets) {
        // A handler unsubscribed after the publish but before delivery must not get it.
        if (!this.handlers.get(channel)?.has(handler)) continue
        try {
          handler(payload)
        } catch (err) {
          this.onError(err)
        }
      }
    })
    // Counted like Redis counts a node's subscription: once, whatever its handlers.
    return 1
  }

  async subscribe(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>> {
    // Wrapped so that subscribing the same function twice gives two independent subscriptions.
    const entry = (payload: string) => handler(payload)
    let set = this.handlers.get(channel)
    if (!set) {
      set = new Set()
      this.handlers.set(channel, set)
    }
    set.add(entry)
    return async () => {
      const current = this.handlers.get(channel)
      if (!current?.delete(entry)) return
      if (current.size === 0) this.handlers.delete(channel)
    }
  }

  async close(): Promise<void> {
    this.closed = true
    this.handlers.clear()
  }
}
