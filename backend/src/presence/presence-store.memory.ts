import type { PresenceSnapshot, UserProfile } from '@roomful/sdk/protocol'
import type { Membership, PresenceChange, PresenceStore, RoomActivity } from './presence-store.js'

interface RoomPresence {
  /** connectionId → userId */
  connections: Map<string, string>
  /** userId → connections of that user in this room */
  users: Map<string, { profile: UserProfile; count: number }>
}

interface NodeState {
  memberships: Set<string>
  connections: Set<string>
}

/**
 * Presence in process memory (embedded mode). Same semantics as the Redis driver, node
 * liveness included, so that the service code exercised in embedded mode is the code that
 * runs in production.
 */
export class MemoryPresenceStore implements PresenceStore {
  /** appId → roomId → who is there */
  private readonly rooms = new Map<string, Map<string, RoomPresence>>()
  /** appId → roomId → epoch ms of the last message or join */
  private readonly activity = new Map<string, Map<string, number>>()
  /** `${appId}\0${userId}` → connectionId → nodeId */
  private readonly userConnections = new Map<string, Map<string, string>>()
  private readonly nodes = new Map<string, NodeState>()
  /** nodeId → epoch ms when its heartbeat lapses */
  private readonly alive = new Map<string, number>()

  async join(m: Membership): Promise<PresenceChange> {
    const room = this.room(m.appId, m.roomId, true) as RoomPresence
    const user = { id: m.user.id, name: m.user.name, avatar: m.user.avatar }
    this.activityOf(m.appId).set(m.roomId, Date.now())
    if (room.connections.has(m.connectionId)) {
      return { appId: m.appId, roomId: m.roomId, user, changed: false, total: room.users.size }
    }
    room.connections.set(m.connectionId, m.user.id)
    const entry = room.users.get(m.user.id) ?? { profile: user, count: 0 }
    entry.profile = user
    entry.count += 1
    room.users.set(m.user.id, entry)
    this.node(m.nodeId).memberships.add(key(m.appId, m.roomId, m.connectionId))
    return { appId: m.appId, roomId: m.roomId, user, changed: entry.count === 1, total: room.users.size }
  }

  async leave(m: Omit<Membership, 'user'> & { userId: string }): Promise<PresenceChange | null> {
    this.nodes.get(m.nodeId)?.memberships.delete(key(m.appId, m.roomId, m.connectionId))
    return this.removeMembership(m.appId, m.roomId, m.connectionId)
  }

  async snapshot(appId: string, roomId: string, cap: number): Promise<PresenceSnapshot> {
    const room = this.room(appId, roomId, false)
    if (!room) return { users: [], total: 0 }
    const users: UserProfile[] = []
    for (const { profile } of room.users.values()) {
      if (users.length >= cap) break
      users.push({ ...profile })
    }
    return { users, total: room.users.size }
  }

  async occupancy(appId: string, roomIds: string[]): Promise<number[]> {
    return roomIds.map((id) => this.room(appId, id, false)?.users.size ?? 0)
  }

  async touch(appId: string, roomId: string, atMs: number): Promise<void> {
    this.activityOf(appId).set(roomId, atMs)
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

  async openConnection(appId: string, userId: string, connectionId: string, nodeId: string, max: number) {
    const k = `${appId}\u0000${userId}`
    const conns = this.userConnections.get(k) ?? new Map<string, string>()
    if (conns.has(connectionId)) return true
    if (conns.size >= max) return false
    conns.set(connectionId, nodeId)
    this.userConnections.set(k, conns)
    this.node(nodeId).connections.add(key(appId, userId, connectionId))
    return true
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

  async heartbeat(nodeId: string, ttlMs: number): Promise<void> {
    this.alive.set(nodeId, Date.now() + ttlMs)
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
      const change = this.removeMembership(appId, roomId, connectionId)
      if (change?.changed) changes.push(change)
    }
    for (const connection of node.connections) {
      const [appId, userId, connectionId] = unkey(connection)
      await this.closeConnection(appId, userId, connectionId)
    }
    return changes
  }

  private removeMembership(appId: string, roomId: string, connectionId: string): PresenceChange | null {
    const room = this.room(appId, roomId, false)
    const userId = room?.connections.get(connectionId)
    if (!room || userId === undefined) return null
    room.connections.delete(connectionId)
    const entry = room.users.get(userId) as { profile: UserProfile; count: number }
    entry.count -= 1
    if (entry.count === 0) room.users.delete(userId)
    if (room.connections.size === 0) {
      const app = this.rooms.get(appId)
      app?.delete(roomId)
      if (app?.size === 0) this.rooms.delete(appId)
    }
    return { appId, roomId, user: { ...entry.profile }, changed: entry.count === 0, total: room.users.size }
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
      room = { connections: new Map(), users: new Map() }
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

  private node(nodeId: string): NodeState {
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
