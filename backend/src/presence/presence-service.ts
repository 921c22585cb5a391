import type { NoticeKind, PresenceSnapshot, UserProfile } from '@roomful/sdk/protocol'
import { channels, roomEnvelope, type Bus } from '../bus/bus.js'
import type { Logger } from '../logger.js'
import type { PresenceChange, PresenceStore } from './presence-store.js'

const SNAPSHOT_CAP = 100

/** Where join/leave notices are written: the room's message log (`MessagesService`). Declared
 * here, not imported, so that presence stays below the features that read its store. */
export interface NoticeLog {
  notice(appId: string, roomId: string, user: UserProfile, notice: NoticeKind): Promise<unknown>
}

/** Who recomputes the ranking when occupancy changes (`RankingScheduler`). */
export interface RankingRequests {
  request(appId: string): void
}

/**
 * Joins and leaves as others see them. Only a user's first connection into a room (or last
 * out) is a change: it becomes a presence delta for the room, a notice in its log, a new count
 * for the lobby, and a request to recompute the ranking.
 */
export class PresenceService {
  constructor(
    private readonly deps: {
      presence: PresenceStore
      bus: Bus
      messages: NoticeLog
      ranking: RankingRequests
      nodeId: string
      log: Logger
    },
  ) {}

  async join(appId: string, roomId: string, connectionId: string, user: UserProfile): Promise<void> {
    const change = await this.deps.presence.join({
      appId,
      roomId,
      connectionId,
      nodeId: this.deps.nodeId,
      user,
    })
    await this.announce(change, 'join')
  }

  async leave(appId: string, roomId: string, connectionId: string, userId: string): Promise<void> {
    const change = await this.deps.presence.leave({
      appId,
      roomId,
      connectionId,
      nodeId: this.deps.nodeId,
      userId,
    })
    if (change) await this.announce(change, 'leave')
  }

  snapshot(appId: string, roomId: string): Promise<PresenceSnapshot> {
    return this.deps.presence.snapshot(appId, roomId, SNAPSHOT_CAP)
  }

  /** Announces leaves found by the liveness reaper or by this node's own shutdown. */
  async announceLeaves(changes: PresenceChange[]): Promise<void> {
    await Promise.all(changes.map((change) => this.announce(change, 'leave')))
  }

  private async announce(change: PresenceChange, action: 'join' | 'leave'): Promise<void> {
    if (!change.changed) return
    const { appId, roomId, user, total } = change
    const { bus, log } = this.deps
    this.deps.ranking.request(appId)
    await Promise.all([
      bus.publish(
        channels.room(appId, roomId),
        roomEnvelope.ephemeral({ type: 'presence', room: roomId, action, user, total }),
      ),
      bus.publish(
        channels.lobby(appId),
        JSON.stringify({ type: 'occupancy', room: roomId, occupancy: total }),
      ),
      action === 'join' ? this.deps.presence.touch(appId, roomId, Date.now()) : undefined,
      this.deps.messages
        .notice(appId, roomId, user, action)
        .catch((err) => log.warn({ err, room: roomId }, 'unable to store a presence notice')),
    ])
  }
}
