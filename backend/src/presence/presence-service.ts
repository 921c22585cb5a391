import {
  DEFAULT_LIMITS,
  type OccupancyEvent,
  type PresenceEvent,
  type PresenceSnapshot,
  type UserProfile,
} from '@roomful/sdk/protocol'
import { channels, roomEnvelope, type Bus } from '../bus/bus.js'
import type { Logger } from '../logger.js'
import { LocalPresence } from './local-presence.js'
import { NoticeBacklog, type NoticeLog } from './notice-backlog.js'
import type { Departure, OpenedConnection, PresenceChange, PresenceStore } from './presence-store.js'
import type { SoloUsers } from './solo-users.js'

const SNAPSHOT_CAP = 100

/** Who recomputes the ranking when occupancy changes (`RankingScheduler`). */
export interface RankingRequests {
  request(appId: string): void
}

/** What a registration check found (see `NodeLiveness.check`): nothing wrong, the store
 * started over empty, or this node had been taken for dead; the latter two were healed. */
export type RegistrationState = 'ok' | 'reset' | 'reaped'

/**
 * Joins and leaves as others see them. Only a user's first connection into a room (or last
 * out) is a change: it becomes a presence delta for the room, a notice in its log, a new count
 * for the lobby, and a request to recompute the ranking.
 *
 * A socket that closes does not leave at once: its user stays present for the app's
 * `presenceGraceMs`, and a join of theirs on any node within it cancels the leave, so moving
 * nodes (a drain, a dropped network) shows nothing to others. Only `leave` is immediate.
 */
export class PresenceService {
  /** This node's own connections and memberships (see `LocalPresence`). */
  readonly local = new LocalPresence()
  readonly notices: NoticeBacklog
  private registration: () => Promise<RegistrationState> = async () => 'ok'
  /** Store writes that failed, tried again after the next good heartbeat. */
  private unsettled: Array<() => Promise<void>> = []
  private finalizeTimer: NodeJS.Timeout | undefined
  private finalizeAt = Infinity

  constructor(
    private readonly deps: {
      presence: PresenceStore
      bus: Bus
      /** Told of every connection counted here and closed (see `SoloUsers`). */
      solo: SoloUsers
      messages: NoticeLog
      ranking: RankingRequests
      nodeId: string
      log: Logger
      /** The app's `presenceGraceMs`. */
      graceMs(appId: string): Promise<number>
      /** How long a leave the store lost is held before it is shown: long enough for every
       * node to have re-asserted its own users (one heartbeat interval). */
      settleMs: number
    },
  ) {
    this.notices = new NoticeBacklog(deps.messages, deps.log)
  }

  /** The check that heals this node's registration when the store lost it (`NodeLiveness`). */
  useRegistration(check: () => Promise<RegistrationState>): void {
    this.registration = check
  }

  /** Counts an authenticated connection against the user's cap, across nodes; false when the
   * user is at the cap. */
  async connect(appId: string, userId: string, connectionId: string, max: number): Promise<boolean> {
    this.local.addConnection(appId, userId, connectionId)
    const mark = this.deps.solo.mark()
    let opened: OpenedConnection = 'refused'
    try {
      opened = await this.deps.presence.openConnection(appId, userId, connectionId, this.deps.nodeId, max)
    } finally {
      if (opened === 'refused') this.local.removeConnection(connectionId)
    }
    if (opened === 'refused') return false
    this.deps.solo.counted(appId, userId, opened, mark)
    return true
  }

  /** Only for a connection whose `connect` returned true. */
  async disconnect(appId: string, userId: string, connectionId: string): Promise<void> {
    this.local.removeConnection(connectionId)
    this.deps.solo.closed(appId, userId)
    await this.settle('uncount a connection', () =>
      this.deps.presence.closeConnection(appId, userId, connectionId),
    )
  }

  async join(appId: string, roomId: string, connectionId: string, user: UserProfile): Promise<void> {
    const known = this.local.hasUser(appId, roomId, user.id)
    this.local.addMembership(appId, roomId, connectionId, user)
    let change: PresenceChange
    try {
      change = await this.deps.presence.join({ appId, roomId, connectionId, nodeId: this.deps.nodeId, user })
    } catch (err) {
      this.local.removeMembership(appId, roomId, connectionId)
      throw err
    }
    // The user was here through another of this node's connections, so the store forgot
    // them: unless this node had been reaped (others saw the user leave), it is no join.
    if (change.changed && known && (await this.registered()) !== 'reaped')
      change = { ...change, changed: false }
    await this.announce(change, 'join')
  }

  /** A `leave` request: shown at once. */
  leave(appId: string, roomId: string, connectionId: string, userId: string): Promise<void> {
    return this.remove({ appId, roomId, connectionId, nodeId: this.deps.nodeId, userId }, 0)
  }

  /** The room was deleted: the membership goes at once, without a leave notice in a log that
   * no longer exists. */
  evict(appId: string, roomId: string, connectionId: string, userId: string): Promise<void> {
    return this.remove({ appId, roomId, connectionId, nodeId: this.deps.nodeId, userId }, 0, false)
  }

  /** The socket closed: the user leaves after the app's grace period unless back by then. */
  async depart(appId: string, roomId: string, connectionId: string, userId: string): Promise<void> {
    const holdMs = await this.graceFor(appId)
    return this.remove({ appId, roomId, connectionId, nodeId: this.deps.nodeId, userId }, holdMs)
  }

  /**
   * Graceful shutdown, after every socket closed with 1001: each of this node's memberships
   * leaves under its app's grace period, so clients that reconnect to another node and rejoin
   * in time are never seen to go; then the node's own state goes.
   */
  async departNode(): Promise<void> {
    const memberships = this.local.memberships()
    const grace = new Map(
      await Promise.all(
        [...this.local.apps()].map(async (appId) => [appId, await this.graceFor(appId)] as const),
      ),
    )
    const { presence, nodeId } = this.deps
    const changes = await Promise.all(
      memberships.map((m) =>
        presence.leave({ ...m, nodeId, userId: m.user.id }, { holdMs: grace.get(m.appId) ?? 0 }),
      ),
    )
    const removed = await presence.removeNode(nodeId)
    await this.announceLeaves([...changes.flatMap((c) => (c ? [c] : [])), ...removed])
  }

  snapshot(appId: string, roomId: string): Promise<PresenceSnapshot> {
    return this.deps.presence.snapshot(appId, roomId, SNAPSHOT_CAP)
  }

  /** Shows the leaves whose grace ran out (on any node's behalf: the store makes it once). */
  async finalizeDue(): Promise<void> {
    const before = Date.now()
    const changes = await this.deps.presence.finalizeLeaves()
    this.local.dropHoldsDueBy(before)
    await this.announceLeaves(changes)
    this.scheduleFinalize()
  }

  /** Announces leaves found by the liveness reaper, a finalized grace, or a shutdown. */
  async announceLeaves(changes: PresenceChange[]): Promise<void> {
    await Promise.all(changes.map((change) => this.announce(change, 'leave')))
  }

  /** Announces users put back by a re-assertion after this node was taken for dead. */
  async announceJoins(changes: PresenceChange[]): Promise<void> {
    await Promise.all(changes.map((change) => this.announce(change, 'join')))
  }

  /** Tries again the store writes that failed (after a good heartbeat). */
  async retryUnsettled(): Promise<void> {
    for (const write of this.unsettled.splice(0)) await this.settle('retry a presence write', write)
  }

  /** A presence delta to everyone in the room, on every node. */
  publishPresence(appId: string, roomId: string, delta: Omit<PresenceEvent, 'type' | 'room'>) {
    return this.deps.bus.publish(
      channels.room(appId, roomId),
      roomEnvelope.ephemeral({ type: 'presence', room: roomId, ...delta } satisfies PresenceEvent),
    )
  }

  /** A room's new count to the app's lobby subscribers. */
  publishOccupancy(appId: string, roomId: string, total: number, version: number) {
    return this.deps.bus.publish(
      channels.lobby(appId),
      JSON.stringify({ type: 'occupancy', room: roomId, occupancy: total, version } satisfies OccupancyEvent),
    )
  }

  requestRanking(appId: string): void {
    this.deps.ranking.request(appId)
  }

  close(): void {
    clearTimeout(this.finalizeTimer)
    this.notices.close()
  }

  private async remove(departure: Departure, holdMs: number, withNotice = true): Promise<void> {
    const { appId, roomId, connectionId } = departure
    const user = this.local.removeMembership(appId, roomId, connectionId)
    if (!user) return
    await this.settle('leave a room', async () => {
      const change = await this.deps.presence.leave(departure, { holdMs })
      if (change === null) return this.lost(appId, roomId, user, holdMs)
      if (change.heldForMs) this.deferred(appId, roomId, change.user, change.heldForMs)
      await this.announce(change, 'leave', withNotice)
    })
  }

  /**
   * The store had no such membership although this node did: it lost it (Redis restarted
   * empty, or this node was reaped). Unless the reaper already showed the leave, the user is
   * held briefly and then leaves like any deferred leave, with a true total.
   */
  private async lost(appId: string, roomId: string, user: UserProfile, holdMs: number): Promise<void> {
    if (this.local.hasUser(appId, roomId, user.id)) return
    if ((await this.registered()) === 'reaped') return
    const forMs = holdMs || this.deps.settleMs
    await this.deps.presence.hold(appId, roomId, user, forMs)
    this.deferred(appId, roomId, user, forMs)
  }

  private deferred(appId: string, roomId: string, user: UserProfile, forMs: number): void {
    this.local.addHold(appId, roomId, user, forMs)
    this.scheduleFinalize()
  }

  /** One timer, for the earliest leave this node deferred; every node's reaper tick finalizes
   * too, so a leave deferred by a node that died is still shown. */
  private scheduleFinalize(): void {
    const due = this.local.nextHoldDue()
    if (due === null || (this.finalizeTimer && this.finalizeAt <= due)) return
    clearTimeout(this.finalizeTimer)
    this.finalizeAt = due
    // A little after the due time, which the store reads on its own clock.
    this.finalizeTimer = setTimeout(
      () => {
        this.finalizeTimer = undefined
        this.finalizeAt = Infinity
        this.finalizeDue().catch((err) => this.deps.log.warn({ err }, 'unable to finalize deferred leaves'))
      },
      Math.max(0, due - Date.now()) + 25,
    )
    this.finalizeTimer.unref()
  }

  /** Runs a store write; a failure is logged and the write tried again later. */
  private async settle(what: string, write: () => Promise<void>): Promise<void> {
    try {
      await write()
    } catch (err) {
      this.deps.log.warn({ err }, `unable to ${what} in presence; trying again after the next heartbeat`)
      this.unsettled.push(write)
    }
  }

  /** The registration check; a check that fails (the store is away) says nothing is known. */
  private registered(): Promise<RegistrationState> {
    return this.registration().catch(() => 'ok' as const)
  }

  private async graceFor(appId: string): Promise<number> {
    return this.deps.graceMs(appId).catch(() => DEFAULT_LIMITS.presenceGraceMs)
  }

  /** Shows a change to everyone; a part that fails (the bus or a store is away) is logged,
   * the rest still happens. */
  private async announce(change: PresenceChange, action: 'join' | 'leave', withNotice = true): Promise<void> {
    if (!change.changed) return
    const { appId, roomId, user, total, version } = change
    this.deps.ranking.request(appId)
    const results = await Promise.allSettled([
      this.publishPresence(appId, roomId, { action, user, total, version }),
      this.publishOccupancy(appId, roomId, total, version),
      action === 'join' ? this.deps.presence.touch(appId, new Map([[roomId, Date.now()]])) : undefined,
      withNotice ? this.notices.notice(appId, roomId, user, action) : undefined,
    ])
    for (const result of results)
      if (result.status === 'rejected')
        this.deps.log.warn(
          { err: result.reason, room: roomId, action },
          'unable to announce a presence change fully',
        )
  }
}
