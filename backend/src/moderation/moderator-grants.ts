import { LruCache } from '../apps/lru-cache.js'
import type { ModeratorGrant, ModeratorStore } from './moderator-store.js'

/** How long a node trusts what it read of a grant: a revoke applies everywhere within it. */
export const GRANT_CACHE_MS = 3_000
const MAX_CACHED = 10_000

/**
 * Moderators an operator granted (admin CLI or REST), looked up when a user authenticates (WS
 * auth and every REST call) and cached briefly per node, so a grant or a revoke applies on
 * every node within a few seconds and at once on the node that made it.
 */
export class ModeratorGrants {
  private readonly cache = new LruCache<string, boolean>(MAX_CACHED)

  constructor(
    private readonly store: ModeratorStore,
    private readonly ttlMs = GRANT_CACHE_MS,
  ) {}

  /** A store that cannot answer counts as "not granted" (not cached): the safe side, and the
   * user still gets in. */
  async isModerator(appId: string, userId: string): Promise<boolean> {
    const key = JSON.stringify([appId, userId])
    const cached = this.cache.get(key)
    if (cached !== undefined) return cached
    let granted: boolean
    try {
      granted = await this.store.isGranted(appId, userId)
    } catch {
      return false
    }
    this.cache.set(key, granted, this.ttlMs)
    return granted
  }

  /** The grant as stored (the first one, when the user already had it), and whether it is new. */
  async grant(
    appId: string,
    userId: string,
    grantedBy: string,
  ): Promise<{ grant: ModeratorGrant; fresh: boolean }> {
    const grant = { appId, userId, grantedBy, grantedAt: new Date() }
    const fresh = await this.store.grant(grant)
    this.cache.delete(JSON.stringify([appId, userId]))
    if (fresh) return { grant, fresh }
    return { grant: (await this.store.list(appId)).find((g) => g.userId === userId) ?? grant, fresh }
  }

  async revoke(appId: string, userId: string): Promise<boolean> {
    const revoked = await this.store.revoke(appId, userId)
    this.cache.delete(JSON.stringify([appId, userId]))
    return revoked
  }

  list(appId: string): Promise<ModeratorGrant[]> {
    return this.store.list(appId)
  }
}
