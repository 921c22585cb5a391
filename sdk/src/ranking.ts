import type { Unsubscribe } from './emitter.js'
import type { RankingBoard } from './protocol/models.js'

/** The live board of rooms ordered by how many people are in them. */
export interface Ranking {
  /**
   * Receive the board now and on every change; resubscribed after reconnects. Returns an
   * unsubscribe function.
   *
   * @example
   * const off = client.ranking.subscribe((board) => {
   *   for (const e of board.entries) console.log(e.occupancy, e.name)
   * })
   */
  subscribe(handler: (board: RankingBoard) => void): Unsubscribe
}
