import type { ChatClient, ConnectionState, Unsubscribe } from './client.js'
import { ClientController } from './client-controller.js'

/**
 * Tracks the client's connection state for a banner. `recovered` is true for a few seconds
 * after a reconnect so the element can say "back online".
 */
export class ConnectionController extends ClientController {
  state: ConnectionState = 'connecting'
  recovered = false
  /** Error code that stopped the client, when `disconnected`. */
  reason = ''
  private quiet = false
  /** Increments on every reconnect, so views can refetch what a feed may have missed. */
  reconnects = 0
  private timer?: ReturnType<typeof setTimeout>

  protected subscribe(client: ChatClient): Unsubscribe[] {
    // Before anything asked for the socket the SDK reports `disconnected`: that is no outage.
    this.state = client.state === 'disconnected' ? 'connecting' : client.state
    return [
      client.on('state', ({ previous, current, reason }) => {
        // A restart the client asked for itself (signing in as someone else) is no outage.
        this.quiet = current === 'reconnecting' ? reason.code === 0 : current === 'connected' && this.quiet
        this.state = current
        this.reason = reason.error?.code ?? ''
        if (
          current === 'connected' &&
          !this.quiet &&
          (previous === 'reconnecting' || previous === 'disconnected')
        ) {
          this.reconnects++
          this.recovered = true
          clearTimeout(this.timer)
          this.timer = setTimeout(() => {
            this.recovered = false
            this.host.requestUpdate()
          }, 2500)
        } else if (current !== 'connected') {
          this.recovered = false
        }
        this.host.emit('roomful-connection', { previous, current })
        this.host.requestUpdate()
      }),
      () => clearTimeout(this.timer),
    ]
  }

  protected override reset(): void {
    this.state = 'connecting'
    this.recovered = false
  }

  /** The server refused to let this visitor in without an account. */
  get needsLogin(): boolean {
    return this.state === 'disconnected' && this.reason === 'unauthenticated'
  }

  /** Whether a banner should be shown, and what it says. */
  get banner(): 'reconnecting' | 'disconnected' | 'closed' | 'back' | null {
    if (this.state === 'reconnecting' && this.quiet) return null
    // An app without guest access refuses a visitor who has not logged in: that calls for a
    // login button, not an outage banner.
    if (this.needsLogin) return null
    if (this.state === 'reconnecting' || this.state === 'disconnected' || this.state === 'closed')
      return this.state
    return this.recovered ? 'back' : null
  }
}
