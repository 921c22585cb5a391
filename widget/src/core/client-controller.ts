import type { ReactiveController } from 'lit'
import type { RoomfulElement } from './base-element.js'
import type { ChatClient, Unsubscribe } from './client.js'

/**
 * Base of the controllers that bring SDK state into an element: subscribes when the host is
 * connected and has a client, re-subscribes if the client changes, and unsubscribes when the
 * host is disconnected.
 */
export abstract class ClientController implements ReactiveController {
  protected client?: ChatClient
  private cleanup: Unsubscribe[] = []
  private attached = false

  constructor(protected readonly host: RoomfulElement) {
    host.addController(this)
  }

  /** Subscribe to `client`; return everything that undoes it. */
  protected abstract subscribe(client: ChatClient): Unsubscribe[]
  /** Forget state that belonged to the previous client. */
  protected reset(): void {}

  hostConnected(): void {
    this.attached = true
    this.sync()
  }

  hostUpdate(): void {
    this.sync()
  }

  hostDisconnected(): void {
    this.attached = false
    this.detach()
  }

  /** Drops the current subscription and subscribes again (e.g. the room id changed). */
  protected restart(): void {
    this.detach()
    this.sync()
  }

  private sync(): void {
    const next = this.attached ? this.host.activeClient : undefined
    if (next === this.client) return
    this.detach()
    if (!next) return
    this.client = next
    this.cleanup = this.subscribe(next)
  }

  private detach(): void {
    for (const undo of this.cleanup.splice(0)) {
      try {
        undo()
      } catch {
        // an unsubscribe that throws must not keep the others from running
      }
    }
    if (this.client) this.reset()
    this.client = undefined
  }
}
