import type { Sanction, SanctionKind } from '@roomful/sdk/protocol'
import type { SanctionKey, SanctionRecord } from './sanction-store.js'

/** A sanction as clients, the admin API and webhooks see it. */
export const toSanction = (s: SanctionRecord): Sanction => ({
  kind: s.kind,
  userId: s.userId,
  roomId: s.roomId,
  reason: s.reason,
  createdBy: s.createdBy,
  createdAt: s.createdAt.toISOString(),
  expiresAt: s.expiresAt?.toISOString() ?? null,
})

export const fromSanction = (appId: string, s: Sanction): SanctionRecord => ({
  appId,
  kind: s.kind,
  userId: s.userId,
  roomId: s.roomId,
  reason: s.reason,
  createdBy: s.createdBy,
  createdAt: new Date(s.createdAt),
  expiresAt: s.expiresAt === null ? null : new Date(s.expiresAt),
})

/** The cache key of a sanction within its app. */
export const scopeKey = (kind: SanctionKind, userId: string, roomId: string | null): string =>
  `${kind}\u0000${roomId ?? ''}\u0000${userId}`

export const keyOf = (s: SanctionKey): string => scopeKey(s.kind, s.userId, s.roomId)

export const sameSanction = (a: SanctionRecord, b: SanctionRecord): boolean =>
  a.createdAt.getTime() === b.createdAt.getTime() &&
  (a.expiresAt?.getTime() ?? null) === (b.expiresAt?.getTime() ?? null) &&
  a.reason === b.reason &&
  a.createdBy === b.createdBy

/**
 * One app's sanctions in force, by scope key, counting how many each user has: nearly every send
 * is by a user with none, and that check is then one lookup, with no key built.
 */
export class AppSanctions extends Map<string, SanctionRecord> {
  private readonly perUser = new Map<string, number>()

  /** Whether any sanction of this app names the user (in force or not yet pruned). */
  concerns(userId: string): boolean {
    return this.perUser.has(userId)
  }

  override set(key: string, record: SanctionRecord): this {
    if (!super.has(key)) this.perUser.set(record.userId, (this.perUser.get(record.userId) ?? 0) + 1)
    return super.set(key, record)
  }

  override delete(key: string): boolean {
    const record = super.get(key)
    if (!record) return false
    super.delete(key)
    const left = (this.perUser.get(record.userId) ?? 1) - 1
    if (left > 0) this.perUser.set(record.userId, left)
    else this.perUser.delete(record.userId)
    return true
  }
}
