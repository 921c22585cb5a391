import { LruCache } from '../apps/lru-cache.js'
import { SharedLoads } from '../apps/shared-loads.js'
import { channels, type Bus } from '../bus/bus.js'
import type { ModeratorGrant, ModeratorStore } from './moderator-store.js'

/** How long a node trusts what it read of an app's grants without hearing of a change: the
 * bound on a grant or revoke whose bus message was lost (or made without Redis by the CLI). */
export const GRANT_CACHE_MS = 3_000
/** Apps whose grants one node keeps; far above the apps a node serves at once. */
const MAX_APPS = 2_000

/**
 * Moderators an operator granted (admin CLI or REST), looked up when a user authenticates (WS
 * auth and every REST call). Each node keeps every app's grants as one set, read with one query
 * that all the authentications arriving meanwhile share (10,000 sockets of one app connecting
 * cost one read, not 10,000). A grant or revoke drops the app's set on every node through the
 * bus before it answers, so it applies at the next authentication everywhere; the short expiry
 * heals a lost message.
 */
export class ModeratorGrants {
  private readonly cache = new LruCache<string, ReadonlySet<string>>(MAX_APPS)
  private readonly loads = new SharedLoads<string, ReadonlySet<string>>()
  private unsubscribe: (() => Promise<void>) | undefined

  constructor(
    private readonly store: ModeratorStore,
    private readonly bus?: Bus,
    private readonly ttlMs = GRANT_CACHE_MS,
  ) {}

  /** Follows other nodes' changes; call before serving. */
  async start(): Promise<void> {
    if (!this.bus) return
    this.unsubscribe = await this.bus.subscribe(channels.moderators(), (appId) => this.forget(appId))
  }

  async stop(): Promise<void> {
    await this.unsubscribe?.()
  }

  /** A store that cannot answer counts as "not granted" (not cached): the safe side, and the
   * user still gets in. */
  async isModerator(appId: string, userId: string): Promise<boolean> {
    try {
      return (await this.granted(appId)).has(userId)
    } catch {
      return false
    }
  }

  /** The grant as stored (the first one, when the user already had it), and whether it is new. */
  async grant(
    appId: string,
    userId: string,
    grantedBy: string,
  ): Promise<{ grant: ModeratorGrant; fresh: boolean }> {
    const grant = { appId, userId, grantedBy, grantedAt: new Date() }
    const fresh = await this.store.grant(grant)
    await this.changed(appId)
    if (fresh) return { grant, fresh }
    return { grant: (await this.store.list(appId)).find((g) => g.userId === userId) ?? grant, fresh }
  }

  async revoke(appId: string, userId: string): Promise<boolean> {
    const revoked = await this.store.revoke(appId, userId)
    await this.changed(appId)
    return revoked
  }

  list(appId: string): Promise<ModeratorGrant[]> {
    return this.store.list(appId)
  }

  private granted(appId: string): Promise<ReadonlySet<string>> {
    const cached = this.cache.get(appId)
    if (cached) return Promise.resolve(cached)
    return this.loads.get(
      appId,
      async () => new Set((await this.store.list(appId)).map((g) => g.userId)),
      (users) => this.cache.set(appId, users, this.ttlMs),
    )
  }

  private forget(appId: string): void {
    this.cache.delete(appId)
    // An authentication that starts after the change must not join a read that began before
    // it, and that read, which may not hold the change, is not kept.
    this.loads.forget(appId)
  }

  /** Dropped here at once, and on every other node before the caller answers. */
  private async changed(appId: string): Promise<void> {
    this.forget(appId)
    await this.bus?.publish(channels.moderators(), appId)
  }
}
