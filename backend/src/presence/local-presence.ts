import type { UserProfile } from '@roomful/sdk/protocol'
import type { NodeState } from './presence-store.js'

interface LocalRoom {
  appId: string
  roomId: string
  /** connectionId → userId */
  connections: Map<string, string>
  /** userId → profile and how many of this node's connections the user has in the room */
  users: Map<string, { profile: UserProfile; connections: number }>
}

/** A room as this node sees it: the distinct users of its own connections there. */
export interface LocalRoomView {
  appId: string
  roomId: string
  users: UserProfile[]
}

const roomKey = (appId: string, roomId: string) => `${appId}\u0000${roomId}`

/**
 * What this node itself holds: its authenticated connections, the rooms each has joined, and
 * the leaves it deferred that are not due yet. The one place to ask, and what the node puts
 * back at once when the shared store forgot it (a Redis restart, or being taken for dead).
 * Every change is made here before the store is asked, in the same turn of the event loop, so
 * a re-assertion sent later never undoes a store write sent earlier on the same connection.
 */
export class LocalPresence {
  /** connectionId → who */
  private readonly connections = new Map<string, { appId: string; userId: string }>()
  private readonly rooms = new Map<string, LocalRoom>()
  /** key(appId, roomId, userId) → a deferred leave and when it is due (epoch ms) */
  private readonly holds = new Map<
    string,
    { appId: string; roomId: string; user: UserProfile; dueAt: number }
  >()

  get connectionCount(): number {
    return this.connections.size
  }

  addConnection(appId: string, userId: string, connectionId: string): void {
    this.connections.set(connectionId, { appId, userId })
  }

  removeConnection(connectionId: string): void {
    this.connections.delete(connectionId)
  }

  addMembership(appId: string, roomId: string, connectionId: string, user: UserProfile): void {
    const key = roomKey(appId, roomId)
    let room = this.rooms.get(key)
    if (!room) this.rooms.set(key, (room = { appId, roomId, connections: new Map(), users: new Map() }))
    if (room.connections.has(connectionId)) return
    room.connections.set(connectionId, user.id)
    const entry = room.users.get(user.id) ?? { profile: user, connections: 0 }
    entry.profile = user
    entry.connections += 1
    room.users.set(user.id, entry)
  }

  /** The member's profile, or undefined when the connection was not in the room here. */
  removeMembership(appId: string, roomId: string, connectionId: string): UserProfile | undefined {
    const key = roomKey(appId, roomId)
    const room = this.rooms.get(key)
    const userId = room?.connections.get(connectionId)
    if (!room || userId === undefined) return undefined
    room.connections.delete(connectionId)
    const entry = room.users.get(userId)!
    if (--entry.connections === 0) room.users.delete(userId)
    if (room.connections.size === 0) this.rooms.delete(key)
    return entry.profile
  }

  /** Whether one of this node's connections of `userId` is in the room. */
  hasUser(appId: string, roomId: string, userId: string): boolean {
    return this.rooms.get(roomKey(appId, roomId))?.users.has(userId) ?? false
  }

  /** Every room with a member here, and its distinct users. */
  roomViews(): LocalRoomView[] {
    return [...this.rooms.values()].map(({ appId, roomId, users }) => ({
      appId,
      roomId,
      users: [...users.values()].map((u) => u.profile),
    }))
  }

  memberships(): { appId: string; roomId: string; connectionId: string; user: UserProfile }[] {
    return [...this.rooms.values()].flatMap((room) =>
      [...room.connections].map(([connectionId, userId]) => ({
        appId: room.appId,
        roomId: room.roomId,
        connectionId,
        user: room.users.get(userId)!.profile,
      })),
    )
  }

  apps(): Set<string> {
    return new Set([...this.rooms.values()].map((r) => r.appId))
  }

  /** Records a leave this node deferred, due `forMs` from now. */
  addHold(appId: string, roomId: string, user: UserProfile, forMs: number, now = Date.now()): void {
    const key = JSON.stringify([appId, roomId, user.id])
    const dueAt = Math.max(this.holds.get(key)?.dueAt ?? 0, now + forMs)
    this.holds.set(key, { appId, roomId, user, dueAt })
  }

  /** Forgets the deferred leaves due by `now` (finalized by this node or any other). */
  dropHoldsDueBy(now: number): void {
    for (const [key, hold] of this.holds) if (hold.dueAt <= now) this.holds.delete(key)
  }

  /** When the next deferred leave is due, or null with none. */
  nextHoldDue(): number | null {
    let next: number | null = null
    for (const { dueAt } of this.holds.values()) if (next === null || dueAt < next) next = dueAt
    return next
  }

  /** Everything to re-assert, as of `now`. */
  state(now = Date.now()): NodeState {
    return {
      connections: [...this.connections].map(([connectionId, c]) => ({ ...c, connectionId })),
      memberships: this.memberships(),
      holds: [...this.holds.values()]
        .filter((h) => h.dueAt > now)
        .map(({ appId, roomId, user, dueAt }) => ({ appId, roomId, user, forMs: dueAt - now })),
    }
  }
}
