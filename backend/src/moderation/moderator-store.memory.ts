import type { ModeratorGrant, ModeratorStore } from './moderator-store.js'

const keyOf = (appId: string, userId: string) => JSON.stringify([appId, userId])

/** Moderator grants in process memory (embedded mode). */
export class MemoryModeratorStore implements ModeratorStore {
  private readonly grants = new Map<string, ModeratorGrant>()

  async grant(grant: ModeratorGrant): Promise<boolean> {
    const key = keyOf(grant.appId, grant.userId)
    if (this.grants.has(key)) return false
    this.grants.set(key, { ...grant, grantedAt: new Date(grant.grantedAt) })
    return true
  }

  async revoke(appId: string, userId: string): Promise<boolean> {
    return this.grants.delete(keyOf(appId, userId))
  }

  async list(appId: string): Promise<ModeratorGrant[]> {
    return [...this.grants.values()]
      .filter((g) => g.appId === appId)
      .sort((a, b) => a.grantedAt.getTime() - b.grantedAt.getTime())
      .map((g) => ({ ...g, grantedAt: new Date(g.grantedAt) }))
  }
}
