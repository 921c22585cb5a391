import type { SanctionKind } from '@roomful/sdk/protocol'

/** One ban or mute as stored: app-wide when `roomId` is null, in force until `expiresAt`. */
export interface SanctionRecord {
  appId: string
  kind: SanctionKind
  userId: string
  roomId: string | null
  reason: string | null
  /** A moderator's user id, or `admin`. */
  createdBy: string
  createdAt: Date
  /** Null: until lifted. Past it the sanction is inactive, whether or not its row is gone. */
  expiresAt: Date | null
}

/** What names one sanction: at most one per kind, user and scope. */
export type SanctionKey = Pick<SanctionRecord, 'appId' | 'kind' | 'userId' | 'roomId'>

export interface SanctionFilter {
  kind?: SanctionKind
  /** Only the sanctions of this room (app-wide ones are not listed then). */
  roomId?: string
}

/**
 * Bans and mutes per app. Expired sanctions count as absent everywhere (`now` decides), so
 * nothing has to delete them for them to end.
 */
export interface SanctionStore {
  /** Stores `sanction`, replacing the one of the same key, expired or not. */
  upsert(sanction: SanctionRecord): Promise<void>
  /** Removes the sanction of `key`; the one that was in force, or null when none was. */
  lift(key: SanctionKey, now?: Date): Promise<SanctionRecord | null>
  /** The app's sanctions in force, newest first. One statement. */
  listActive(appId: string, filter?: SanctionFilter, now?: Date): Promise<SanctionRecord[]>
  /** The sanctions in force on `userId` app-wide and, with `roomId`, in that room. */
  applying(appId: string, userId: string, roomId: string | null, now?: Date): Promise<SanctionRecord[]>
}

export const isActive = (sanction: SanctionRecord, now: Date): boolean =>
  sanction.expiresAt === null || sanction.expiresAt.getTime() > now.getTime()

/** Newest first; ties (same millisecond) by user id so both drivers list alike. */
export const newestFirst = (a: SanctionRecord, b: SanctionRecord): number =>
  b.createdAt.getTime() - a.createdAt.getTime() ||
  (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0) ||
  (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0) ||
  ((a.roomId ?? '') < (b.roomId ?? '') ? -1 : (a.roomId ?? '') > (b.roomId ?? '') ? 1 : 0)
