import type { Logger } from '../logger.js'
import type { PresenceService } from './presence-service.js'
import type { PresenceStore } from './presence-store.js'

/**
 * Keeps this node marked alive and clears nodes that stopped heartbeating, so the users of a
 * crashed node leave every room within ttl + interval without anyone's help. Every node reaps;
 * the store makes reaping one dead node happen once.
 */
export class NodeLiveness {
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly deps: {
      store: PresenceStore
      presence: PresenceService
      nodeId: string
      ttlMs: number
      intervalMs: number
      log: Logger
    },
  ) {}

  async start(): Promise<void> {
    await this.deps.store.heartbeat(this.deps.nodeId, this.deps.ttlMs)
    this.timer = setInterval(() => void this.tick(), this.deps.intervalMs)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  private async tick(): Promise<void> {
    const { store, presence, nodeId, ttlMs, log } = this.deps
    try {
      await store.heartbeat(nodeId, ttlMs)
      const changes = await store.reapDeadNodes(nodeId)
      if (changes.length > 0) {
        log.info(
          { leaves: changes.filter((c) => c.changed).length },
          'removed the users of a dead node from presence',
        )
        await presence.announceLeaves(changes)
      }
    } catch (err) {
      log.warn({ err }, 'unable to heartbeat or reap dead nodes; retrying')
    }
  }
}
