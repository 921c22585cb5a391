import type { PresenceSnapshot, UserProfile } from '@roomful/sdk/protocol'

export interface Membership {
  appId: string
  roomId: string
  /** One socket's id; a user with two tabs has two connections and counts once. */
  connectionId: string
  nodeId: string
  user: UserProfile
}

export interface PresenceChange {
  appId: string
  roomId: string
  user: UserProfile
  /** True when this was the user's first connection in the room (join) or last (leave):
   * only then do others see a presence delta, a notice and a new count. */
  changed: boolean
  /** Distinct users in the room after the change. */
  total: number
}

export interface RoomActivity {
  roomId: string
  occupancy: number
  /** Epoch ms of the last message or join; 0 when unknown. */
  lastActivityMs: number
}

/**
 * Who is where, right now: shared by every node (Redis in production). Node liveness is part
 * of it because a dead node's connections must leave without anyone's help.
 */
export interface PresenceStore {
  join(membership: Membership): Promise<PresenceChange>
  leave(membership: Omit<Membership, 'user'> & { userId: string }): Promise<PresenceChange | null>
  /** Users in the room (at most `cap`, arbitrary order) and the distinct total. */
  snapshot(appId: string, roomId: string, cap: number): Promise<PresenceSnapshot>
  /** Distinct users per room, aligned with `roomIds`. One round trip. */
  occupancy(appId: string, roomIds: string[]): Promise<number[]>
  /** Records activity for ranking ties. */
  touch(appId: string, roomId: string, atMs: number): Promise<void>
  /** Top `n` occupied rooms: most distinct users first, ties by most recent activity. */
  top(appId: string, n: number): Promise<RoomActivity[]>

  /** Counts a user's open connection across all nodes; false (and nothing recorded) when
   * the user already has `max`. */
  openConnection(
    appId: string,
    userId: string,
    connectionId: string,
    nodeId: string,
    max: number,
  ): Promise<boolean>
  closeConnection(appId: string, userId: string, connectionId: string): Promise<void>

  /** Marks this node alive for `ttlMs`. */
  heartbeat(nodeId: string, ttlMs: number): Promise<void>
  /** Removes every connection and membership of nodes whose heartbeat lapsed (never `selfId`),
   * returning the presence changes that caused. Safe to run on every node at once. */
  reapDeadNodes(selfId: string): Promise<PresenceChange[]>
  /** Removes this node's state at once (graceful shutdown), returning the changes. */
  removeNode(nodeId: string): Promise<PresenceChange[]>
}
