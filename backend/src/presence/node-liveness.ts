import type { Logger } from '../logger.js'
import type { PresenceHealer } from './presence-healer.js'
import type { PresenceService, RegistrationState } from './presence-service.js'
import type { PresenceStore } from './presence-store.js'

/**
 * Keeps this node marked alive, clears nodes that stopped heartbeating and leaves whose grace
 * ran out, and notices when the store forgot this node:
 *
 * - every `heartbeatMs` (and at once whenever the store connection comes back) a heartbeat
 *   says whether the node was still registered and what the store's epoch is. A new epoch
 *   means the store started over empty; a lost registration with the same epoch means the
 *   others took this node for dead. Either way the healer re-asserts it at once;
 * - every `reapMs` the reaper removes the users of nodes silent for `ttlMs` and finalizes
 *   due deferred leaves. A crashed node's users therefore leave within ttl + reap interval
 *   (7 s with the defaults). Every node reaps; the store makes each departure happen once.
 */
export class NodeLiveness {
  private timers: NodeJS.Timeout[] = []
  private epoch: string | null = null
  private checking: Promise<RegistrationState> | null = null
  /** A heal that is due but has not succeeded yet (its batch failed): tried at every check. */
  private unhealed: 'reset' | 'reaped' | null = null
  private reaping = false

  constructor(
    private readonly deps: {
      store: PresenceStore
      presence: PresenceService
      healer: PresenceHealer
      nodeId: string
      ttlMs: number
      heartbeatMs: number
      reapMs: number
      log: Logger
    },
  ) {
    deps.store.onReconnect(() => {
      deps.log.info('presence store connection is back; checking this node’s registration')
      void this.check().catch(() => undefined)
    })
  }

  async start(): Promise<void> {
    await this.check()
    const every = (ms: number, run: () => Promise<unknown>) => {
      const timer = setInterval(() => void run().catch(() => undefined), ms)
      timer.unref()
      this.timers.push(timer)
    }
    every(this.deps.heartbeatMs, async () => {
      await this.check()
      await this.deps.presence.retryUnsettled()
    })
    every(this.deps.reapMs, () => this.reap())
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer)
    this.timers = []
    this.deps.healer.stop()
  }

  /** Heartbeats now and heals if the store forgot this node; one check at a time. */
  check(): Promise<RegistrationState> {
    this.checking ??= this.heartbeat().finally(() => (this.checking = null))
    return this.checking
  }

  private async heartbeat(): Promise<RegistrationState> {
    const { store, healer, nodeId, ttlMs, log } = this.deps
    let registration
    try {
      registration = await store.heartbeat(nodeId, ttlMs)
    } catch (err) {
      log.warn({ err }, 'unable to heartbeat; retrying')
      throw err
    }
    const { registered, epoch } = registration
    if (this.epoch !== null && epoch !== this.epoch) this.unhealed = 'reset'
    else if (this.epoch !== null && !registered) this.unhealed ??= 'reaped'
    this.epoch = epoch
    const kind = this.unhealed
    if (!kind) return 'ok'
    try {
      await healer.heal(kind)
    } catch (err) {
      log.warn({ err, kind }, 'unable to re-assert this node’s presence; retrying at the next heartbeat')
      throw err
    }
    this.unhealed = null
    return kind
  }

  private async reap(): Promise<void> {
    if (this.reaping) return
    this.reaping = true
    const { store, presence, nodeId, log } = this.deps
    try {
      const changes = await store.reapDeadNodes(nodeId)
      if (changes.length > 0) {
        log.info({ leaves: changes.length }, 'removed the users of a dead node from presence')
        await presence.announceLeaves(changes)
      }
      await presence.finalizeDue()
    } catch (err) {
      log.warn({ err }, 'unable to reap dead nodes or finalize deferred leaves; retrying')
    } finally {
      this.reaping = false
    }
  }
}
