import type { PresenceSnapshot, UserProfile } from '@roomful/sdk/protocol'
import type { Redis } from 'ioredis'
import { loadLua } from './lua.js'
import { byRank } from './presence-store.memory.js'
import type { Membership, PresenceChange, PresenceStore, RoomActivity } from './presence-store.js'

const scripts = {
  join: loadLua('join-6.lua'),
  leave: loadLua('leave-5.lua'),
  snapshot: loadLua('snapshot-2.lua'),
  top: loadLua('top-2.lua'),
  openConnection: loadLua('open-connection-2.lua'),
  closeConnection: loadLua('close-connection-1.lua'),
  heartbeat: loadLua('heartbeat-2.lua'),
  reap: loadLua('reap-1.lua'),
}
type ScriptName = keyof typeof scripts
type Reply = string | number | null | Reply[]

export interface RedisPresenceOptions {
  /** Prepended to every key, e.g. `rf:`; one Redis can host several deployments or test runs. */
  prefix: string
  /** Rooms tied with the last place of `top` considered for the activity tie-break. */
  maxTies?: number
}

/**
 * Presence shared by every node, in Redis. Each method is one round trip (a Lua script or a
 * single command), counted in `roundTrips` so budgets such as "a room list page costs one
 * Redis round trip" can be asserted.
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
    const user: UserProfile = { id: m.user.id, name: m.user.name, avatar: m.user.avatar }
    const room = this.roomKey(m.appId, m.roomId)
    const [changed, total] = (await this.run(
      'join',
      `${room}:conns`,
      `${room}:users`,
      `${room}:profiles`,
      this.key('occ', m.appId),
      this.key('act', m.appId),
      this.key('node', m.nodeId, 'm'),
      m.appId,
      m.roomId,
      m.connectionId,
      m.user.id,
      JSON.stringify(user),
      Date.now(),
    )) as [number, number]
    return { appId: m.appId, roomId: m.roomId, user, changed: changed === 1, total }
  }

  async leave(m: Omit<Membership, 'user'> & { userId: string }): Promise<PresenceChange | null> {
    const room = this.roomKey(m.appId, m.roomId)
    const reply = (await this.run(
      'leave',
      `${room}:conns`,
      `${room}:users`,
      `${room}:profiles`,
      this.key('occ', m.appId),
      this.key('node', m.nodeId, 'm'),
      m.appId,
      m.roomId,
      m.connectionId,
    )) as [number, number, string, string] | null
    if (!reply) return null
    const [changed, total, userId, profile] = reply
    return {
      appId: m.appId,
      roomId: m.roomId,
      user: parseProfile(userId, profile),
      changed: changed === 1,
      total,
    }
  }

  async snapshot(appId: string, roomId: string, cap: number): Promise<PresenceSnapshot> {
    const room = this.roomKey(appId, roomId)
    const [total, profiles] = (await this.run('snapshot', `${room}:users`, `${room}:profiles`, cap)) as [
      number,
      string[],
    ]
    return { total, users: profiles.map((p) => parseProfile('', p)) }
  }

  async occupancy(appId: string, roomIds: string[]): Promise<number[]> {
    if (roomIds.length === 0) return []
    this.trips += 1
    const scores = await this.redis.zmscore(this.key('occ', appId), ...roomIds)
    return scores.map((s) => (s === null ? 0 : Number(s)))
  }

  async touch(appId: string, roomId: string, atMs: number): Promise<void> {
    this.trips += 1
    await this.redis.hset(this.key('act', appId), roomId, String(atMs))
  }

  async top(appId: string, n: number): Promise<RoomActivity[]> {
    if (n <= 0) return []
    const flat = (await this.run('top', this.key('occ', appId), this.key('act', appId), n, this.maxTies)) as (
      string | null
    )[]
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
    const reply = await this.run(
      'openConnection',
      this.key('uconn', appId, userId),
      this.key('node', nodeId, 'c'),
      appId,
      userId,
      connectionId,
      nodeId,
      max,
    )
    return reply === 1
  }

  async closeConnection(appId: string, userId: string, connectionId: string): Promise<void> {
    await this.run(
      'closeConnection',
      this.key('uconn', appId, userId),
      this.prefix,
      appId,
      userId,
      connectionId,
    )
  }

  async heartbeat(nodeId: string, ttlMs: number): Promise<void> {
    await this.run(
      'heartbeat',
      this.key('node', nodeId, 'alive'),
      this.key('nodes'),
      nodeId,
      Math.max(1, ttlMs),
    )
  }

  async reapDeadNodes(selfId: string): Promise<PresenceChange[]> {
    return this.reap(selfId, '')
  }

  async removeNode(nodeId: string): Promise<PresenceChange[]> {
    return this.reap('', nodeId)
  }

  private async reap(selfId: string, nodeId: string): Promise<PresenceChange[]> {
    const flat = (await this.run('reap', this.key('nodes'), this.prefix, selfId, nodeId)) as (
      string | number
    )[]
    const changes: PresenceChange[] = []
    for (let i = 0; i + 4 < flat.length; i += 5) {
      changes.push({
        appId: String(flat[i]),
        roomId: String(flat[i + 1]),
        user: parseProfile(String(flat[i + 2]), String(flat[i + 3])),
        changed: true,
        total: Number(flat[i + 4]),
      })
    }
    return changes
  }

  private async run(name: ScriptName, ...args: (string | number)[]): Promise<Reply> {
    this.trips += 1
    const command = (this.redis as unknown as Record<string, (...a: (string | number)[]) => Promise<Reply>>)[
      `rf_${name}`
    ] as (...a: (string | number)[]) => Promise<Reply>
    return command.apply(this.redis, args)
  }

  private roomKey(appId: string, roomId: string): string {
    return this.key('room', appId, roomId)
  }

  // App and room ids cannot contain ':' (idSchema), so these keys cannot collide.
  private key(...parts: string[]): string {
    return this.prefix + parts.join(':')
  }
}

function parseProfile(userId: string, json: string): UserProfile {
  try {
    const p = JSON.parse(json) as UserProfile
    return { id: p.id, name: p.name, avatar: p.avatar ?? null }
  } catch {
    // A profile can only be missing if keys were edited by hand; still report who left.
    return { id: userId, name: userId, avatar: null }
  }
}
