import type { Bus } from './bus.js'

/**
 * Forwards an app-wide bus channel (ranking, lobby) to a local uWS topic while at least one
 * local socket listens, so a node only receives what its sockets want.
 */
export class TopicRelay {
  private readonly relays = new Map<string, { refs: number; ready: Promise<() => Promise<void>> }>()

  constructor(
    private readonly bus: Bus,
    private readonly forward: (channel: string, payload: string) => void,
  ) {}

  async attach(channel: string): Promise<void> {
    let relay = this.relays.get(channel)
    if (!relay) {
      relay = { refs: 0, ready: this.bus.subscribe(channel, (payload) => this.forward(channel, payload)) }
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
