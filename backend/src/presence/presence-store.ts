import type { PresenceSnapshot, UserProfile } from '@roomful/sdk/protocol'

export interface Membership {
  appId: string
  roomId: string
  /** One socket's id; a user with two tabs has two connections and counts once. */
  connectionId: string
  nodeId: string
  user: UserProfile
}

export type Departure = Omit<Membership, 'user'> & { userId: string }

export interface PresenceChange {
  appId: string
  roomId: string
  user: UserProfile
  /** True when this was the user's first connection in the room (join) or last (leave):
   * only then do others see a presence delta, a notice and a new count. */
  changed: boolean
  /** Distinct users in the room after the change. */
  total: number
  /** The change's place among all presence changes (see `PresenceEvent.version`). */
  version: number
  /** Set when a leave was deferred instead (see `leave`): the user still counts as present
   * until this many milliseconds from now. */
  heldForMs?: number
}

/** What counting a new connection found (see `PresenceStore.openConnection`). */
export type OpenedConnection = 'refused' | 'only-this-node' | 'other-nodes-too'

export interface RoomActivity {
  roomId: string
  occupancy: number
  /** Epoch ms of the last message or join; 0 when unknown. */
  lastActivityMs: number
}

/** What `heartbeat` found before it marked the node alive. */
export interface Registration {
  /** False when the store had no live entry for this node: it was reaped, or the store lost
   * its data. Its connections and memberships are then gone from the store. */
  registered: boolean
  /** Changes whenever the store starts over empty (a Redis restart without persistence, a
   * flush): a node that sees a new epoch must re-assert everything it holds. */
  epoch: string
}

/** Everything one node holds, as it re-asserts it after the store forgot (see `reassert`). */
export interface NodeState {
  connections: { appId: string; userId: string; connectionId: string }[]
  memberships: Omit<Membership, 'nodeId'>[]
  /** Deferred leaves this node started that are still due, with the time left. */
  holds: { appId: string; roomId: string; user: UserProfile; forMs: number }[]
}

export interface Reassertion {
  /** Distinct users of every room the node re-asserted, after it did, and the version of the
   * last change that made them so. */
  totals: { appId: string; roomId: string; total: number; version: number }[]
  /** Users who were absent from a room until the re-assertion put them back. */
  returned: PresenceChange[]
}

/**
 * Who is where, right now: shared by every node (Redis in production). Node liveness is part
 * of it because a dead node's connections must leave without anyone's help.
 */
export interface PresenceStore {
  /** Adds a connection to a room. A user held in the room by a deferred leave takes their
   * place back: no change, and the deferred leave is cancelled. */
  join(membership: Membership): Promise<PresenceChange>
  /**
   * Removes a connection from a room. With `holdMs` > 0, a user's last connection out does not
   * make them leave: they stay present (in totals, snapshots and the ranking) until the hold
   * runs out, unless a connection of theirs joins the room again, on any node. The result then
   * says `changed: false` and carries `heldForMs`.
   */
  leave(departure: Departure, options?: { holdMs?: number }): Promise<PresenceChange | null>
  /** Keeps `user` present in the room for `forMs` more (present or not until now): a leave
   * the store lost, to be finalized like any deferred one. */
  hold(appId: string, roomId: string, user: UserProfile, forMs: number): Promise<void>
  /** Ends every deferred leave whose time ran out, once whatever the number of nodes calling,
   * returning the users who left by it. */
  finalizeLeaves(): Promise<PresenceChange[]>
  /** Users in the room (at most `cap`, arbitrary order) and the distinct total. */
  snapshot(appId: string, roomId: string, cap: number): Promise<PresenceSnapshot>
  /** A fresh presence version, above every change made so far: totals read after it may be
   * published with it. */
  nextVersion(): Promise<number>
  /** Distinct users per room, aligned with `roomIds`. One round trip. */
  occupancy(appId: string, roomIds: string[]): Promise<number[]>
  /** Records when rooms were last active (room id → ms), for ranking ties. One round trip. */
  touch(appId: string, activity: ReadonlyMap<string, number>): Promise<void>
  /** Top `n` occupied rooms: most distinct users first, ties by most recent activity. */
  top(appId: string, n: number): Promise<RoomActivity[]>

  /** Counts a user's open connection across all nodes: `refused` (and nothing recorded) when
   * the user already has `max`, else whether another node also holds one of theirs. */
  openConnection(
    appId: string,
    userId: string,
    connectionId: string,
    nodeId: string,
    max: number,
  ): Promise<OpenedConnection>
  closeConnection(appId: string, userId: string, connectionId: string): Promise<void>

  /** Marks this node alive for `ttlMs`, saying whether it still was. */
  heartbeat(nodeId: string, ttlMs: number): Promise<Registration>
  /** Puts a node's connections, memberships and deferred leaves back at once (one batch,
   * idempotent: what is still there is left as it is), and marks it alive for `ttlMs`. */
  reassert(nodeId: string, ttlMs: number, state: NodeState): Promise<Reassertion>
  /** Calls `listener` each time the connection to the store comes back after a loss, so the
   * node checks its registration at once instead of at its next heartbeat. */
  onReconnect(listener: () => void): void
  /** Removes every connection and membership of nodes whose heartbeat lapsed (never `selfId`),
   * returning the presence changes that caused. Safe to run on every node at once. */
  reapDeadNodes(selfId: string): Promise<PresenceChange[]>
  /** Removes this node's state at once (graceful shutdown), returning the changes. */
  removeNode(nodeId: string): Promise<PresenceChange[]>
}
