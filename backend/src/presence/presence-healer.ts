import type { Logger } from '../logger.js'
import type { PresenceService } from './presence-service.js'
import type { PresenceStore } from './presence-store.js'

/**
 * Puts this node's presence back when the store forgot it, in one batch, and makes everyone's
 * view true again:
 *
 * - after the store started over empty (`reset`), nobody saw anyone leave, so nothing is
 *   announced: every room with members here gets one `presence` join per local user carrying
 *   the room's true total (clients already showing the user change nothing, clients that were
 *   missing them add them), its lobby count, and a ranking recomputation. The same correction
 *   runs again `settleMs` later, when every node has re-asserted its own users, so the last
 *   total each client receives counts all of them;
 * - after this node was taken for dead (`reaped`), the others saw its users leave: those the
 *   re-assertion brings back are announced as joins, like any join.
 */
export class PresenceHealer {
  private settleTimer: NodeJS.Timeout | undefined

  constructor(
    private readonly deps: {
      store: PresenceStore
      presence: PresenceService
      nodeId: string
      ttlMs: number
      settleMs: number
      log: Logger
    },
  ) {}

  async heal(kind: 'reset' | 'reaped'): Promise<void> {
    const { store, presence, nodeId, ttlMs, log } = this.deps
    const started = Date.now()
    const state = presence.local.state(started)
    const { totals, returned } = await store.reassert(nodeId, ttlMs, state)
    log.warn(
      {
        kind,
        connections: state.connections.length,
        memberships: state.memberships.length,
        holds: state.holds.length,
        ms: Date.now() - started,
      },
      kind === 'reset'
        ? 'presence store started over empty; re-asserted this node’s connections'
        : 'this node was taken for dead; re-asserted its connections',
    )
    if (kind === 'reaped') return presence.announceJoins(returned)
    await this.correct(new Map(totals.map((t) => [`${t.appId}/${t.roomId}`, t])))
    clearTimeout(this.settleTimer)
    this.settleTimer = setTimeout(() => {
      this.correct().catch((err) => log.warn({ err }, 'unable to push presence corrections'))
    }, this.deps.settleMs)
    this.settleTimer.unref()
  }

  stop(): void {
    clearTimeout(this.settleTimer)
  }

  /**
   * Pushes the true total and this node's users of every local room, and asks for the ranking;
   * totals not given are read (one round trip per app). A total read is published with a
   * version taken before the read, so a client that already holds a later change keeps it.
   */
  private async correct(totals = new Map<string, { total: number; version: number }>()): Promise<void> {
    const { store, presence } = this.deps
    const views = presence.local.roomViews()
    const apps = new Set(views.map((v) => v.appId))
    const version = apps.size > 0 ? await store.nextVersion() : 0
    for (const appId of apps) {
      const missing = views.filter((v) => v.appId === appId && !totals.has(`${appId}/${v.roomId}`))
      const counts = await store.occupancy(
        appId,
        missing.map((v) => v.roomId),
      )
      missing.forEach((v, i) => totals.set(`${appId}/${v.roomId}`, { total: counts[i] ?? 0, version }))
      presence.requestRanking(appId)
    }
    await Promise.all(
      views.flatMap(({ appId, roomId, users }) => {
        const { total, version: at } = totals.get(`${appId}/${roomId}`) ?? { total: 0, version }
        return [
          ...users.map((user) =>
            presence.publishPresence(appId, roomId, { action: 'join', user, total, version: at }),
          ),
          presence.publishOccupancy(appId, roomId, total, at),
        ]
      }),
    )
  }
}
