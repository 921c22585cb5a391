import type { Connection } from './connection.js'
import type { AuditEntryView, Page, Sanction, SanctionKind } from './protocol/models.js'
import { createRoomModeration, type RoomModeration } from './room-moderation.js'

/** Who and where: app-wide when `roomId` is left out. */
export interface SanctionTarget {
  userId: string
  roomId?: string
}

export interface SanctionOptions extends SanctionTarget {
  /** Left out: until lifted. */
  durationSeconds?: number
  /** Shown to the user and kept in the audit trail. */
  reason?: string
}

/**
 * Moderators' tools (`client.user.moderator`); for anyone else every call rejects with
 * `forbidden`, and sanctioning another moderator does too.
 */
export interface Moderation extends RoomModeration {
  /**
   * Ban a user: app-wide their sockets close (4007) and they cannot connect again until the
   * ban ends; from one room they are removed from it and cannot rejoin it.
   *
   * @example
   * await client.moderation.ban({ userId: 'spammer', durationSeconds: 3600, reason: 'spam' })
   */
  ban(options: SanctionOptions): Promise<Sanction>
  /**
   * Mute a user: they keep reading, their sends are refused with `muted`.
   *
   * @example
   * await client.moderation.mute({ userId: 'loud', roomId: room.id, durationSeconds: 600 })
   */
  mute(options: SanctionOptions): Promise<Sanction>
  /**
   * Lift a ban of that scope (nothing happens when there is none).
   *
   * @example
   * await client.moderation.unban({ userId: 'spammer' })
   */
  unban(target: SanctionTarget): Promise<void>
  /**
   * Lift a mute of that scope.
   *
   * @example
   * await client.moderation.unmute({ userId: 'loud', roomId: room.id })
   */
  unmute(target: SanctionTarget): Promise<void>
  /**
   * The bans and mutes in force, newest first.
   *
   * @example
   * const bans = await client.moderation.sanctions({ kind: 'ban' })
   */
  sanctions(filter?: { kind?: SanctionKind; roomId?: string }): Promise<Sanction[]>
  /**
   * The app's audit log, newest first: every delete of someone else's message, ban, mute, lift
   * and room change, by whom and why. Pass `nextCursor` back as `cursor` for older entries.
   *
   * @example
   * const { items, nextCursor } = await client.moderation.audit({ limit: 20 })
   */
  audit(options?: { limit?: number; cursor?: string | null }): Promise<Page<AuditEntryView>>
}

export function createModeration(conn: Connection, get: <T>(path: string) => Promise<T>): Moderation {
  const lift = (op: 'moderation.unban' | 'moderation.unmute') => (t: SanctionTarget) =>
    conn.request(op, t).then(() => {})
  return {
    ...createRoomModeration(conn),
    ban: (o) => conn.request('moderation.ban', o).then((r) => r.sanction),
    mute: (o) => conn.request('moderation.mute', o).then((r) => r.sanction),
    unban: lift('moderation.unban'),
    unmute: lift('moderation.unmute'),
    sanctions: (filter = {}) => conn.request('moderation.sanctions', filter).then((r) => r.sanctions),
    audit: ({ limit, cursor } = {}) => {
      const q = String(
        new URLSearchParams({ ...(limit && { limit: String(limit) }), ...(cursor && { before: cursor }) }),
      )
      return get<{ entries: AuditEntryView[]; nextCursor: string | null }>(
        `/moderation/audit${q && '?' + q}`,
      ).then(({ entries, nextCursor }) => ({ items: entries, nextCursor }))
    },
  }
}
