import type { PresenceSnapshot, UserProfile } from '@roomful/sdk/protocol'
import type { ChainableCommander, Redis } from 'ioredis'
import { onReadyAfterLoss } from '../storage/redis-retry.js'
import { loadLua } from './lua.js'
import { byRank } from './presence-store.memory.js'
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

const scripts = {
  join: loadLua('join-9.lua'),
  leave: loadLua('leave-8.lua'),
  hold: loadLua('hold-6.lua'),
  snapshot: loadLua('snapshot-3.lua'),
  nextVersion: loadLua('next-version-1.lua'),
  top: loadLua('top-2.lua'),
  openConnection: loadLua('open-connection-2.lua'),
  closeConnection: loadLua('close-connection-1.lua'),
  heartbeat: loadLua('heartbeat-3.lua'),
  reap: loadLua('reap-2.lua'),
}
type ScriptName = keyof typeof scripts
type Reply = string | number | null | Reply[]
type Call = [ScriptName, (string | number)[]]
/** The replies of open-connection-2.lua. */
const OPENED: Record<0 | 1 | 2, OpenedConnection> = {
  0: 'refused',
  1: 'only-this-node',
  2: 'other-nodes-too',
}

export interface RedisPresenceOptions {
  /** Prepended to every key, e.g. `rf:`; one Redis can host several deployments or test runs. */
  prefix: string
  /** Rooms tied with the last place of `top` considered for the activity tie-break. */
  maxTies?: number
}

/**
 * Presence shared by every node, in Redis. Each method is one round trip (a Lua script, a
 * single command, or one pipeline for `reassert`), counted in `roundTrips` so budgets such as
 * "a room list page costs one Redis round trip" can be asserted.
 */
export class RedisPresenceStore implements PresenceStore {
  private trips = 0
  private readonly prefix: string
  private readonly maxTies: number

  constructor(
    private readonly redis: Redis,
    options: RedisPresenceOptions,
  ) {
    this.prefix = options.prefix
    this.maxTies = options.maxTies ?? 1000
    for (const [command, script] of Object.entries(scripts)) {
      redis.defineCommand(`rf_${command}`, { numberOfKeys: script.numberOfKeys, lua: script.lua })
    }
  }

  /** Round trips to Redis made by this store so far. */
  get roundTrips(): number {
    return this.trips
  }

  async join(m: Membership): Promise<PresenceChange> {
    const [changed, total, version] = (await this.run(this.joinCall(m, Date.now()))) as [
      number,
      number,
      number,
    ]
    return {
      appId: m.appId,
      roomId: m.roomId,
      user: profileOf(m.user),
      changed: changed === 1,
      total,
      version,
    }
  }

  async leave(d: Departure, options: { holdMs?: number } = {}): Promise<PresenceChange | null> {
    const room = this.roomKey(d.appId, d.roomId)
    const reply = (await this.run([
      'leave',
      [
        `${room}:conns`,
        `${room}:users`,
        `${room}:profiles`,
        `${room}:held`,
        this.key('occ', d.appId),
        this.key('node', d.nodeId, 'm'),
        this.key('holds'),
        this.key('pver'),
        d.appId,
        d.roomId,
        d.connectionId,
        Math.max(0, Math.floor(options.holdMs ?? 0)),
      ],
    ])) as [number, number, string, string, number, number] | null
    if (!reply) return null
    const [changed, total, userId, profile, heldForMs, version] = reply
    return {
      appId: d.appId,
      roomId: d.roomId,
      user: parseProfile(userId, profile),
      changed: changed === 1,
      total,
      version,
      ...(heldForMs > 0 && { heldForMs }),
    }
  }

  async hold(appId: string, roomId: string, user: UserProfile, forMs: number): Promise<void> {
    await this.run(this.holdCall(appId, roomId, user, forMs))
  }

  async finalizeLeaves(): Promise<PresenceChange[]> {
    return this.reap({ holds: true })
  }

  async snapshot(appId: string, roomId: string, cap: number): Promise<PresenceSnapshot> {
    const room = this.roomKey(appId, roomId)
    const [total, profiles, version] = (await this.run([
      'snapshot',
      [`${room}:users`, `${room}:profiles`, this.key('pver'), cap],
    ])) as [number, string[], number]
    return { total, users: profiles.map((p) => parseProfile('', p)), version }
  }

  async nextVersion(): Promise<number> {
    return (await this.run(['nextVersion', [this.key('pver')]])) as number
  }

  async occupancy(appId: string, roomIds: string[]): Promise<number[]> {
    if (roomIds.length === 0) return []
    this.trips += 1
    const scores = await this.redis.zmscore(this.key('occ', appId), ...roomIds)
    return scores.map((s) => (s === null ? 0 : Number(s)))
  }

  async touch(appId: string, activity: ReadonlyMap<string, number>): Promise<void> {
    if (activity.size === 0) return
    this.trips += 1
    await this.redis.hset(this.key('act', appId), activity)
  }

  async top(appId: string, n: number): Promise<RoomActivity[]> {
    if (n <= 0) return []
    const flat = (await this.run([
      'top',
      [this.key('occ', appId), this.key('act', appId), n, this.maxTies],
    ])) as (string | null)[]
    const rooms: RoomActivity[] = []
    for (let i = 0; i + 2 < flat.length; i += 3) {
      rooms.push({
        roomId: flat[i] as string,
        occupancy: Number(flat[i + 1]),
        lastActivityMs: Number(flat[i + 2] ?? 0),
      })
    }
    return rooms.sort(byRank).slice(0, n)
  }

  async openConnection(appId: string, userId: string, connectionId: string, nodeId: string, max: number) {
    const reply = await this.run(this.openConnectionCall(appId, userId, connectionId, nodeId, max))
    return OPENED[reply as 0 | 1 | 2]
  }

  async closeConnection(appId: string, userId: string, connectionId: string): Promise<void> {
    await this.run([
      'closeConnection',
      [this.key('uconn', appId, userId), this.prefix, appId, userId, connectionId],
    ])
  }

  async heartbeat(nodeId: string, ttlMs: number): Promise<Registration> {
    const [registered, epoch] = (await this.run(this.heartbeatCall(nodeId, ttlMs))) as [number, string]
    return { registered: registered === 1, epoch }
  }

  async reassert(nodeId: string, ttlMs: number, state: NodeState): Promise<Reassertion> {
    const calls: Call[] = [
      this.heartbeatCall(nodeId, ttlMs),
      // No cap: these sockets are open already.
      ...state.connections.map((c) =>
        this.openConnectionCall(c.appId, c.userId, c.connectionId, nodeId, Number.MAX_SAFE_INTEGER),
      ),
      ...state.memberships.map((m) => this.joinCall({ ...m, nodeId }, '')),
      ...state.holds.map((h) => this.holdCall(h.appId, h.roomId, h.user, h.forMs)),
    ]
    const pipeline = this.redis.pipeline()
    for (const call of calls) command(pipeline, call)
    this.trips += 1
    const replies = (await pipeline.exec()) ?? []
    const failed = replies.find(([err]) => err)
    if (failed) throw failed[0]

    const totals = new Map<string, Reassertion['totals'][number]>()
    const returned: PresenceChange[] = []
    const joinsFrom = 1 + state.connections.length
    state.memberships.forEach((m, i) => {
      const [changed, total, version] = replies[joinsFrom + i]![1] as [number, number, number]
      const room = { appId: m.appId, roomId: m.roomId }
      totals.set(`${m.appId}/${m.roomId}`, { ...room, total, version })
      if (changed === 1) returned.push({ ...room, user: profileOf(m.user), changed: true, total, version })
    })
    // Holds come last: their totals are the latest of their rooms.
    const holdsFrom = joinsFrom + state.memberships.length
    state.holds.forEach((h, i) => {
      const [total, version] = replies[holdsFrom + i]![1] as [number, number]
      totals.set(`${h.appId}/${h.roomId}`, { appId: h.appId, roomId: h.roomId, total, version })
    })
    return { totals: [...totals.values()], returned }
  }

  onReconnect(listener: () => void): void {
    onReadyAfterLoss(this.redis, listener)
  }

  async reapDeadNodes(selfId: string): Promise<PresenceChange[]> {
    return this.reap({ selfId })
  }

  async removeNode(nodeId: string): Promise<PresenceChange[]> {
    return this.reap({ nodeId })
  }

  /** reap-2.lua: lapsed nodes but `selfId`, or `nodeId` alone, or (`holds`) due deferred leaves. */
  private async reap(what: { selfId?: string; nodeId?: string; holds?: boolean }): Promise<PresenceChange[]> {
    const args = [what.selfId ?? '', what.nodeId ?? '', what.holds ? '0' : '1', what.holds ? '1' : '0']
    const flat = await this.run(['reap', [this.key('nodes'), this.key('holds'), this.prefix, ...args]])
    return departures(flat as (string | number)[])
  }

  private joinCall(m: Membership, nowMs: number | ''): Call {
    const room = this.roomKey(m.appId, m.roomId)
    return [
      'join',
      [
        `${room}:conns`,
        `${room}:users`,
        `${room}:profiles`,
        `${room}:held`,
        this.key('occ', m.appId),
        this.key('act', m.appId),
        this.key('node', m.nodeId, 'm'),
        this.key('holds'),
        this.key('pver'),
        m.appId,
        m.roomId,
        m.connectionId,
        m.user.id,
        JSON.stringify(profileOf(m.user)),
        nowMs,
      ],
    ]
  }

  private holdCall(appId: string, roomId: string, user: UserProfile, forMs: number): Call {
    const room = this.roomKey(appId, roomId)
    return [
      'hold',
      [
        `${room}:users`,
        `${room}:profiles`,
        `${room}:held`,
        this.key('occ', appId),
        this.key('holds'),
        this.key('pver'),
        appId,
        roomId,
        user.id,
        JSON.stringify(profileOf(user)),
        Math.max(0, Math.floor(forMs)),
      ],
    ]
  }

  private openConnectionCall(
    appId: string,
    userId: string,
    connectionId: string,
    nodeId: string,
    max: number,
  ): Call {
    return [
      'openConnection',
      [
        this.key('uconn', appId, userId),
        this.key('node', nodeId, 'c'),
        appId,
        userId,
        connectionId,
        nodeId,
        max,
      ],
    ]
  }

  private heartbeatCall(nodeId: string, ttlMs: number): Call {
    return [
      'heartbeat',
      [this.key('node', nodeId, 'alive'), this.key('nodes'), this.key('epoch'), nodeId, Math.max(1, ttlMs)],
    ]
  }

  private async run(call: Call): Promise<Reply> {
    this.trips += 1
    return command(this.redis, call)
  }

  private roomKey(appId: string, roomId: string): string {
    return this.key('room', appId, roomId)
  }

  // App and room ids cannot contain ':' (idSchema), so these keys cannot collide.
  private key(...parts: string[]): string {
    return this.prefix + parts.join(':')
  }
}

/** Runs one of the scripts defined in the constructor, on the connection or in a pipeline. */
function command(target: Redis | ChainableCommander, [name, args]: Call): Promise<Reply> {
  const fn = (target as unknown as Record<string, (...a: (string | number)[]) => Promise<Reply>>)[
    `rf_${name}`
  ]!
  return fn.apply(target, args)
}

/** The flat `{appId, roomId, userId, profileJson, total, version, ...}` reply of reap-2.lua. */
function departures(flat: (string | number)[]): PresenceChange[] {
  const changes: PresenceChange[] = []
  for (let i = 0; i + 5 < flat.length; i += 6) {
    changes.push({
      appId: String(flat[i]),
      roomId: String(flat[i + 1]),
      user: parseProfile(String(flat[i + 2]), String(flat[i + 3])),
      changed: true,
      total: Number(flat[i + 4]),
      version: Number(flat[i + 5]),
    })
  }
  return changes
}

const profileOf = (user: UserProfile): UserProfile => ({ id: user.id, name: user.name, avatar: user.avatar })

function parseProfile(userId: string, json: string): UserProfile {
  try {
    const p = JSON.parse(json) as UserProfile
    return { id: p.id, name: p.name, avatar: p.avatar ?? null }
  } catch {
    // A profile can only be missing if keys were edited by hand; still report who left.
    return { id: userId, name: userId, avatar: null }
  }
}
