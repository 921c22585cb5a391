import { randomBytes } from 'node:crypto'
import type { PresenceSnapshot, UserProfile } from '@roomful/sdk/protocol'
import type {
  Departure,
  Membership,
  NodeState,
  OpenedConnection,
  PresenceChange,
  PresenceStore,
  Reassertion,
  Registration,
  RoomActivity,
} from './presence-store.js'

interface RoomPresence {
  /** connectionId → userId */
  connections: Map<string, string>
  /** userId → slots of that user in this room: their connections, plus one while held */
  users: Map<string, { profile: UserProfile; count: number }>
  /** Users kept present by a deferred leave (one slot each in `users`). */
  held: Set<string>
}

interface NodeRecord {
  memberships: Set<string>
  connections: Set<string>
}

/**
 * Presence in process memory (embedded mode). Same semantics as the Redis driver, node
 * liveness and deferred leaves included, so that the service code exercised in embedded mode
 * is the code that runs in production. It never loses its data, so its epoch never changes.
 */
export class MemoryPresenceStore implements PresenceStore {
  /** appId → roomId → who is there */
  private readonly rooms = new Map<string, Map<string, RoomPresence>>()
  /** appId → roomId → epoch ms of the last message or join */
  private readonly activity = new Map<string, Map<string, number>>()
  /** `${appId}\0${userId}` → connectionId → nodeId */
  private readonly userConnections = new Map<string, Map<string, string>>()
  private readonly nodes = new Map<string, NodeRecord>()
  /** nodeId → epoch ms when its heartbeat lapses */
  private readonly alive = new Map<string, number>()
  /** key(appId, roomId, userId) → epoch ms when the deferred leave is due */
  private readonly holds = new Map<string, number>()
  private readonly epoch = randomBytes(6).toString('hex')
  /** The last presence version handed out: microseconds, as the Redis driver's. */
  private lastVersion = 0

  async join(m: Membership): Promise<PresenceChange> {
    this.activityOf(m.appId).set(m.roomId, Date.now())
    const { change } = this.addMembership(m)
    return change
  }

  async leave(d: Departure, options: { holdMs?: number } = {}): Promise<PresenceChange | null> {
    this.nodes.get(d.nodeId)?.memberships.delete(key(d.appId, d.roomId, d.connectionId))
    return this.removeMembership(d.appId, d.roomId, d.connectionId, options.holdMs ?? 0)
  }

  async hold(appId: string, roomId: string, user: UserProfile, forMs: number): Promise<void> {
    this.holdUser(appId, roomId, user, forMs)
  }

  async finalizeLeaves(): Promise<PresenceChange[]> {
    const now = Date.now()
    const changes: PresenceChange[] = []
    for (const [k, due] of [...this.holds]) {
      if (due > now) continue
      this.holds.delete(k)
      const [appId, roomId, userId] = unkey(k)
      const room = this.room(appId, roomId, false)
      if (!room?.held.delete(userId)) continue
      const change = this.dropSlot(appId, roomId, room, userId)
      if (change.changed) changes.push(change)
    }
    return changes
  }

  async snapshot(appId: string, roomId: string, cap: number): Promise<PresenceSnapshot> {
    const room = this.room(appId, roomId, false)
    const version = this.takeVersion()
    if (!room) return { users: [], total: 0, version }
    const users: UserProfile[] = []
    for (const { profile } of room.users.values()) {
      if (users.length >= cap) break
      users.push({ ...profile })
    }
    return { users, total: room.users.size, version }
  }

  async nextVersion(): Promise<number> {
    return this.takeVersion()
  }

  async occupancy(appId: string, roomIds: string[]): Promise<number[]> {
    return roomIds.map((id) => this.room(appId, id, false)?.users.size ?? 0)
  }

  async touch(appId: string, activity: ReadonlyMap<string, number>): Promise<void> {
    const rooms = this.activityOf(appId)
    for (const [roomId, atMs] of activity) rooms.set(roomId, atMs)
  }

  async top(appId: string, n: number): Promise<RoomActivity[]> {
    const activity = this.activityOf(appId)
    const all: RoomActivity[] = []
    for (const [roomId, room] of this.rooms.get(appId) ?? []) {
      if (room.users.size > 0) {
        all.push({ roomId, occupancy: room.users.size, lastActivityMs: activity.get(roomId) ?? 0 })
      }
    }
    return all.sort(byRank).slice(0, Math.max(0, n))
  }

  async openConnection(
    appId: string,
    userId: string,
    connectionId: string,
    nodeId: string,
    max: number,
  ): Promise<OpenedConnection> {
    const conns = this.userConnections.get(`${appId}\u0000${userId}`)
    if (!conns?.has(connectionId)) {
      if ((conns?.size ?? 0) >= max) return 'refused'
      this.countConnection(appId, userId, connectionId, nodeId)
    }
    for (const holder of this.userConnections.get(`${appId}\u0000${userId}`)!.values())
      if (holder !== nodeId) return 'other-nodes-too'
    return 'only-this-node'
  }

  async closeConnection(appId: string, userId: string, connectionId: string): Promise<void> {
    const k = `${appId}\u0000${userId}`
    const conns = this.userConnections.get(k)
    const nodeId = conns?.get(connectionId)
    if (!conns || nodeId === undefined) return
    conns.delete(connectionId)
    if (conns.size === 0) this.userConnections.delete(k)
    this.nodes.get(nodeId)?.connections.delete(key(appId, userId, connectionId))
  }

  async heartbeat(nodeId: string, ttlMs: number): Promise<Registration> {
    const registered = this.alive.has(nodeId)
    this.alive.set(nodeId, Date.now() + ttlMs)
    return { registered, epoch: this.epoch }
  }

  async reassert(nodeId: string, ttlMs: number, state: NodeState): Promise<Reassertion> {
    this.alive.set(nodeId, Date.now() + ttlMs)
    for (const c of state.connections) this.countConnection(c.appId, c.userId, c.connectionId, nodeId)
    const rooms = new Map<string, [string, string]>()
    const returned: PresenceChange[] = []
    for (const m of state.memberships) {
      const { change, fresh } = this.addMembership({ ...m, nodeId })
      if (change.changed && fresh) returned.push(change)
      rooms.set(key(m.appId, m.roomId, ''), [m.appId, m.roomId])
    }
    for (const h of state.holds) {
      this.holdUser(h.appId, h.roomId, h.user, h.forMs)
      rooms.set(key(h.appId, h.roomId, ''), [h.appId, h.roomId])
    }
    const totals = [...rooms.values()].map(([appId, roomId]) => ({
      appId,
      roomId,
      total: this.room(appId, roomId, false)?.users.size ?? 0,
      version: this.takeVersion(),
    }))
    return { totals, returned }
  }

  onReconnect(): void {
    // In process: never lost, never reconnected.
  }

  async reapDeadNodes(selfId: string): Promise<PresenceChange[]> {
    const now = Date.now()
    const changes: PresenceChange[] = []
    for (const [nodeId, expiresAt] of [...this.alive]) {
      if (nodeId !== selfId && expiresAt < now) changes.push(...(await this.removeNode(nodeId)))
    }
    return changes
  }

  /** Only changes others notice (`changed: true`) are returned; a user still connected
   * through another node stays and is not reported. */
  async removeNode(nodeId: string): Promise<PresenceChange[]> {
    const node = this.nodes.get(nodeId)
    this.nodes.delete(nodeId)
    this.alive.delete(nodeId)
    if (!node) return []
    const changes: PresenceChange[] = []
    for (const membership of node.memberships) {
      const [appId, roomId, connectionId] = unkey(membership)
      const change = this.removeMembership(appId, roomId, connectionId, 0)
      if (change?.changed) changes.push(change)
    }
    for (const connection of node.connections) {
      const [appId, userId, connectionId] = unkey(connection)
      await this.closeConnection(appId, userId, connectionId)
    }
    return changes
  }

  /** `fresh`: the connection was not there before (a repeated add changes nothing). */
  private addMembership(m: Membership): { change: PresenceChange; fresh: boolean } {
    const room = this.room(m.appId, m.roomId, true) as RoomPresence
    const user = { id: m.user.id, name: m.user.name, avatar: m.user.avatar }
    const result = (changed: boolean, fresh: boolean) => ({
      change: {
        appId: m.appId,
        roomId: m.roomId,
        user,
        changed,
        total: room.users.size,
        version: this.takeVersion(),
      },
      fresh,
    })
    if (room.connections.has(m.connectionId)) return result(false, false)
    room.connections.set(m.connectionId, m.user.id)
    this.node(m.nodeId).memberships.add(key(m.appId, m.roomId, m.connectionId))
    const entry = room.users.get(m.user.id) ?? { profile: user, count: 0 }
    entry.profile = user
    room.users.set(m.user.id, entry)
    // A held user's slot passes to this connection: they never left.
    if (room.held.delete(m.user.id)) {
      this.holds.delete(key(m.appId, m.roomId, m.user.id))
      return result(false, true)
    }
    entry.count += 1
    return result(entry.count === 1, true)
  }

  private removeMembership(
    appId: string,
    roomId: string,
    connectionId: string,
    holdMs: number,
  ): PresenceChange | null {
    const room = this.room(appId, roomId, false)
    const userId = room?.connections.get(connectionId)
    if (!room || userId === undefined) return null
    room.connections.delete(connectionId)
    const entry = room.users.get(userId) as { profile: UserProfile; count: number }
    const held = room.held.has(userId)
    if (holdMs > 0 && entry.count - (held ? 1 : 0) === 1) {
      // The user's last connection: its slot goes, and the hold keeps (or takes) one.
      entry.count -= 1
      this.holdUser(appId, roomId, entry.profile, holdMs)
      return {
        appId,
        roomId,
        user: { ...entry.profile },
        changed: false,
        total: room.users.size,
        version: this.takeVersion(),
        heldForMs: holdMs,
      }
    }
    return this.dropSlot(appId, roomId, room, userId)
  }

  private holdUser(appId: string, roomId: string, user: UserProfile, forMs: number): void {
    const room = this.room(appId, roomId, true) as RoomPresence
    const k = key(appId, roomId, user.id)
    this.holds.set(k, Math.max(this.holds.get(k) ?? 0, Date.now() + forMs))
    if (room.held.has(user.id)) return
    room.held.add(user.id)
    const entry = room.users.get(user.id) ?? { profile: { ...user }, count: 0 }
    entry.count += 1
    room.users.set(user.id, entry)
  }

  /** One slot of `userId` goes; with the last one, the user leaves the room. */
  private dropSlot(appId: string, roomId: string, room: RoomPresence, userId: string): PresenceChange {
    const entry = room.users.get(userId) as { profile: UserProfile; count: number }
    entry.count -= 1
    if (entry.count === 0) room.users.delete(userId)
    if (room.users.size === 0) {
      const app = this.rooms.get(appId)
      app?.delete(roomId)
      if (app?.size === 0) this.rooms.delete(appId)
    }
    return {
      appId,
      roomId,
      user: { ...entry.profile },
      changed: entry.count === 0,
      total: room.users.size,
      version: this.takeVersion(),
    }
  }

  private takeVersion(): number {
    this.lastVersion = Math.max(Date.now() * 1000, this.lastVersion + 1)
    return this.lastVersion
  }

  private countConnection(appId: string, userId: string, connectionId: string, nodeId: string): void {
    const k = `${appId}\u0000${userId}`
    const conns = this.userConnections.get(k) ?? new Map<string, string>()
    conns.set(connectionId, nodeId)
    this.userConnections.set(k, conns)
    this.node(nodeId).connections.add(key(appId, userId, connectionId))
  }

  private room(appId: string, roomId: string, create: boolean): RoomPresence | undefined {
    let app = this.rooms.get(appId)
    if (!app) {
      if (!create) return undefined
      app = new Map()
      this.rooms.set(appId, app)
    }
    let room = app.get(roomId)
    if (!room && create) {
      room = { connections: new Map(), users: new Map(), held: new Set() }
      app.set(roomId, room)
    }
    return room
  }

  private activityOf(appId: string): Map<string, number> {
    let map = this.activity.get(appId)
    if (!map) {
      map = new Map()
      this.activity.set(appId, map)
    }
    return map
  }

  private node(nodeId: string): NodeRecord {
    let node = this.nodes.get(nodeId)
    if (!node) {
      node = { memberships: new Set(), connections: new Set() }
      this.nodes.set(nodeId, node)
    }
    return node
  }
}

/** Most users first, then most recent activity, then room id so that equal rooms keep one order. */
export function byRank(a: RoomActivity, b: RoomActivity): number {
  return (
    b.occupancy - a.occupancy ||
    b.lastActivityMs - a.lastActivityMs ||
    (a.roomId < b.roomId ? -1 : a.roomId > b.roomId ? 1 : 0)
  )
}

const key = (a: string, b: string, c: string) => JSON.stringify([a, b, c])
const unkey = (k: string) => JSON.parse(k) as [string, string, string]
