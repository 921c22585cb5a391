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
