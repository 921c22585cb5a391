import type { Bus } from './bus.js'

/**
 * Forwards an app-wide bus channel (ranking, lobby) to a local uWS topic while at least one
 * local socket listens, so a node only receives what its sockets want.
 */
export class TopicRelay {
  private readonly relays = new Map<string, { refs: number; ready: Promise<() => Promise<void>> }>()

  constructor(
    private readonly bus: Bus,
    private readonly publish: (topic: string, payload: string) => void,
  ) {}

  /** `observe` sees each payload before it is forwarded (the first attach's is kept). */
  async attach(channel: string, topic: string, observe?: (payload: string) => void): Promise<void> {
    let relay = this.relays.get(channel)
    if (!relay) {
      const forward = (payload: string) => {
        observe?.(payload)
        this.publish(topic, payload)
      }
      relay = { refs: 0, ready: this.bus.subscribe(channel, forward) }
      this.relays.set(channel, relay)
    }
    relay.refs++
    await relay.ready
  }

  /** Returns true when that was the last local listener of the channel. */
  detach(channel: string): boolean {
    const relay = this.relays.get(channel)
    if (!relay || --relay.refs > 0) return false
    this.relays.delete(channel)
    relay.ready.then((unsubscribe) => unsubscribe()).catch(() => undefined)
    return true
  }
}
