import type { AuditEntryView } from '@roomful/sdk/protocol'
import { newSortableId } from '../ids.js'

/**
 * The audit log: who did which moderation action, to what, when and why. Written after the
 * action took effect (an entry never describes something that did not happen), read by the
 * app's moderators and the operator, newest first.
 */
export type AuditAction = AuditEntryView['action']

export interface AuditEntry {
  /** Sortable by creation time (ids.ts), so the list's cursor is an id. */
  id: string
  appId: string
  at: Date
  /** The moderator's user id, or `admin` for the operator's admin key. */
  actor: string
  action: AuditAction
  roomId: string | null
  targetUserId: string | null
  targetMessageId: string | null
  reason: string | null
  /** What else the action set, e.g. `{ expiresAt }` of a ban or the new room settings. */
  details: Record<string, unknown> | null
}

export type AuditRecord = Omit<AuditEntry, 'id' | 'at'>

export interface AuditStore {
  append(entry: AuditEntry): Promise<void>
  /** The app's entries newest first, those older than the entry `before` (exclusive). One
   * statement. */
  list(appId: string, page: { limit: number; before?: string }): Promise<AuditEntry[]>
}

/** What services call; the store behind it is the driver's. */
export interface AuditLog {
  record(entry: AuditRecord): Promise<void>
  list(appId: string, page: { limit: number; before?: string }): Promise<AuditEntry[]>
}

/** Stamps each entry with its id and time and appends it to the driver's store. */
export function createAuditLog(store: AuditStore, now: () => Date = () => new Date()): AuditLog {
  return {
    async record(entry: AuditRecord): Promise<void> {
      await store.append({ ...entry, id: newSortableId('aud'), at: now() })
    },
    list: (appId, page) => store.list(appId, page),
  }
}
