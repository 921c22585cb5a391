import { channels, type Bus } from '../bus/bus.js'
import type { OpenedConnection } from './presence-store.js'

const userKey = (appId: string, userId: string) => `${appId}\n${userId}`

/**
 * The users with connections on this node whose every connection is on this node, as far as
 * it knows. For them this node's own token bucket is the whole send limit, so their sends skip
 * the cross-node count (one Redis round trip per send, see `SendLimits`).
 *
 * A node learns it when a connection is counted (the store says whether another node holds one
 * of the user's connections too). A node that counts a user's connection while another node
 * holds one tells every node on the bus, and each stops treating that user as solo. Anything
 * uncertain counts as shared, which is only the cost of the cross-node count:
 * - a notice heard while a count was on its way leaves the counted user shared (the notice
 *   may be about them, sent after the store answered);
 * - after the bus was lost, every user is shared (notices may have been missed) until their
 *   next connection here is counted.
 *
 * A user who stops being solo stays shared until their last connection here closes.
 */
export class SoloUsers {
  /** userKey → this node's connections of the user, and whether the user is solo. */
  private readonly users = new Map<string, { connections: number; solo: boolean }>()
  /** Notices and bus losses so far: a count that saw this change while on its way trusts nothing. */
  private heard = 0
  private unsubscribe: (() => Promise<void>) | null = null

  constructor(
    private readonly bus: Bus,
    private readonly onError: (err: unknown) => void,
  ) {
    bus.onReconnect(() => this.forgetAll())
  }

  async start(): Promise<void> {
    this.unsubscribe = await this.bus.subscribe(channels.spreadUsers(), (payload) => {
      this.heard++
      const user = this.users.get(payload)
      if (user) user.solo = false
    })
  }

  async stop(): Promise<void> {
    await this.unsubscribe?.()
    this.unsubscribe = null
  }

  /** Taken before a connection is counted, and handed back to `counted` with the answer. */
  mark(): number {
    return this.heard
  }

  /** A connection of the user's was counted on this node (anything but `refused`). */
  counted(appId: string, userId: string, opened: Exclude<OpenedConnection, 'refused'>, mark: number): void {
    const key = userKey(appId, userId)
    const user = this.users.get(key) ?? { connections: 0, solo: false }
    user.connections += 1
    this.users.set(key, user)
    if (opened === 'other-nodes-too') {
      user.solo = false
      this.bus.publish(channels.spreadUsers(), key).catch(this.onError)
    } else user.solo = mark === this.heard
  }

  /** A connection of the user's that was counted here closed. */
  closed(appId: string, userId: string): void {
    const key = userKey(appId, userId)
    const user = this.users.get(key)
    if (!user) return
    if (--user.connections <= 0) this.users.delete(key)
  }

  isSolo(appId: string, userId: string): boolean {
    return this.users.get(userKey(appId, userId))?.solo === true
  }

  private forgetAll(): void {
    this.heard++
    for (const user of this.users.values()) user.solo = false
  }
}
