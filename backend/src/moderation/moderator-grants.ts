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

  async isModerator(appId: string, userId: string): Promise<boolean> {
    const key = JSON.stringify([appId, userId])
    const cached = this.cache.get(key)
    if (cached !== undefined) return cached
    const granted = await this.store.isGranted(appId, userId)
    this.cache.set(key, granted, this.ttlMs)
    return granted
  }

  async grant(appId: string, userId: string, grantedBy: string): Promise<ModeratorGrant> {
    const grant = { appId, userId, grantedBy, grantedAt: new Date() }
    await this.store.grant(grant)
    this.cache.delete(JSON.stringify([appId, userId]))
    return (await this.store.list(appId)).find((g) => g.userId === userId) ?? grant
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
