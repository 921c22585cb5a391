import {
  isActive,
  newestFirst,
  type SanctionFilter,
  type SanctionKey,
  type SanctionRecord,
  type SanctionStore,
} from './sanction-store.js'

const keyOf = (k: SanctionKey) => JSON.stringify([k.appId, k.kind, k.userId, k.roomId])
const clone = (s: SanctionRecord): SanctionRecord => ({
  ...s,
  createdAt: new Date(s.createdAt),
  expiresAt: s.expiresAt && new Date(s.expiresAt),
})

/** Sanctions in process memory (embedded mode). */
export class MemorySanctionStore implements SanctionStore {
  private readonly sanctions = new Map<string, SanctionRecord>()

  async upsert(sanction: SanctionRecord): Promise<void> {
    this.sanctions.set(keyOf(sanction), clone(sanction))
  }

  async lift(key: SanctionKey, now = new Date()): Promise<SanctionRecord | null> {
    const existing = this.sanctions.get(keyOf(key))
    this.sanctions.delete(keyOf(key))
    return existing && isActive(existing, now) ? clone(existing) : null
  }

  async listActive(appId: string, filter: SanctionFilter = {}, now = new Date()): Promise<SanctionRecord[]> {
    return [...this.sanctions.values()]
      .filter(
        (s) =>
          s.appId === appId &&
          isActive(s, now) &&
          (filter.kind === undefined || s.kind === filter.kind) &&
          (filter.roomId === undefined || s.roomId === filter.roomId),
      )
      .sort(newestFirst)
      .map(clone)
  }

  async applying(appId: string, userId: string, roomId: string | null, now = new Date()) {
    return (await this.listActive(appId, {}, now)).filter(
      (s) => s.userId === userId && (s.roomId === null || s.roomId === roomId),
    )
  }
}
