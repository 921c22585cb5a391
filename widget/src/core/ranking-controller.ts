import type { RankingBoard } from '@roomful/sdk/protocol'
import type { ChatClient, Unsubscribe } from './client.js'
import { ClientController } from './client-controller.js'

/** The live ranking board: pushed by the server on every change in occupancy. */
export class RankingController extends ClientController {
  board: RankingBoard | null = null
  /** Why there is no board: the error code that stopped the connection, if it stopped. */
  unavailable: string | null = null

  protected subscribe(client: ChatClient): Unsubscribe[] {
    return [
      client.ranking.subscribe((board) => {
        this.board = board
        this.unavailable = null
        this.host.requestUpdate()
      }),
      client.on('state', ({ current, reason }) => {
        this.unavailable = current === 'disconnected' ? (reason.error?.code ?? 'disconnected') : null
        this.host.requestUpdate()
      }),
    ]
  }

  protected override reset(): void {
    this.board = null
    this.unavailable = null
  }
}
