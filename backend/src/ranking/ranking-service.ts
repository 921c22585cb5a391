import { DEFAULT_RANKING_SIZE, type RankingBoard } from '@roomful/sdk/protocol'
import { channels, type Bus } from '../bus/bus.js'
import type { PresenceStore } from '../presence/presence-store.js'
import type { RoomStore } from '../rooms/room-store.js'

/** Candidates read beyond the board's size, in place of archived rooms among the top ones. */
const ARCHIVED_SLACK = 10

export const rankingTopic = (appId: string) => `k/${appId}`

/**
 * The live board: top rooms by distinct users, ties by latest activity. Recomputed by the
 * coalescing scheduler (one job per burst, on any node) and pushed to every node over the bus;
 * each node remembers the latest board it saw for subscribers that arrive between changes.
 */
export class RankingService {
  private readonly latest = new Map<string, RankingBoard>()

  constructor(
    private readonly deps: { presence: PresenceStore; rooms: RoomStore; bus: Bus; size?: number },
  ) {}

  async compute(appId: string): Promise<RankingBoard> {
    const size = this.deps.size ?? DEFAULT_RANKING_SIZE
    // A few more candidates than places, so archived rooms left out do not shorten the board.
    const top = await this.deps.presence.top(appId, size + ARCHIVED_SLACK)
    const rooms = new Map(
      (
        await this.deps.rooms.getMany(
          appId,
          top.map((r) => r.roomId),
        )
      ).map((r) => [r.id, r]),
    )
    return {
      entries: top
        .flatMap(({ roomId, occupancy, lastActivityMs }) => {
          const room = rooms.get(roomId)
          if (!room || room.archived) return []
          return [
            {
              roomId,
              name: room.name,
              occupancy,
              lastActivityAt: lastActivityMs ? new Date(lastActivityMs).toISOString() : null,
            },
          ]
        })
        .slice(0, size),
      updatedAt: new Date().toISOString(),
    }
  }

  /** The scheduler's processor: recompute and push to every node. */
  readonly recomputeAndPublish = async (appId: string): Promise<void> => {
    const board = await this.compute(appId)
    await this.deps.bus.publish(channels.ranking(appId), JSON.stringify({ type: 'ranking', board }))
  }

  /** Called with every ranking frame this node receives from the bus (only while a local
   * socket subscribes, see `forget`). */
  remember(appId: string, frame: string): void {
    this.latest.set(appId, (JSON.parse(frame) as { board: RankingBoard }).board)
  }

  /** The latest board: this node's copy while it hears the app's boards, else computed now. */
  async current(appId: string): Promise<RankingBoard> {
    return this.latest.get(appId) ?? this.compute(appId)
  }

  /** Forget a board once no local socket watches it, so a later subscriber gets a fresh one. */
  forget(appId: string): void {
    this.latest.delete(appId)
  }
}
