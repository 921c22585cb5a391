import type { Emitter } from './emitter.js'
import type { PresenceEvent } from './protocol/frames.js'
import type { PresenceSnapshot, UserProfile } from './protocol/models.js'
import type { RoomEvents } from './room-events.js'

/** Who is in one room: the join snapshot with the live deltas on top. */
export interface RoomPresence {
  readonly members: UserProfile[]
  readonly total: number
  /** A join reply's snapshot; the deltas that came with the reply follow it. */
  sync(snapshot: PresenceSnapshot): void
  /** A live delta: applied when the room is joined, kept for the next snapshot otherwise. */
  delta(e: PresenceEvent, joined: boolean): void
  /** Drop deltas kept for a join that will not complete (halted, left). */
  halt(): void
  clear(): void
}

export function createRoomPresence(emit: Emitter<RoomEvents>['emit']): RoomPresence {
  let members = new Map<string, UserProfile>()
  let total = 0
  // Deltas can arrive out of the order the server made them in (two nodes publish each on
  // their own), so each one carries a version: the snapshot holds everything below its own,
  // `total` follows the highest version seen, and each user's state the highest seen for them.
  let snapshotVersion = 0
  let totalVersion = 0
  const userVersions = new Map<string, number>()
  // Deltas that arrive with the join reply, before it is handled: the server sends the ones it
  // published while the join was read right behind the reply, and Node's socket can hand them
  // over in the same tick. They apply on top of the snapshot, under the same version rule.
  let early: PresenceEvent[] = []
  const changed = (action: RoomEvents['presence']['action'], user: UserProfile | null) =>
    emit('presence', { action, user, total, members: [...members.values()] })
  const apply = (e: PresenceEvent) => {
    if (e.version <= snapshotVersion) return // the snapshot holds it already
    let moved = false
    if (e.version > totalVersion) {
      totalVersion = e.version
      moved = total !== e.total
      total = e.total
    }
    if (e.version > (userVersions.get(e.user.id) ?? 0)) {
      userVersions.set(e.user.id, e.version)
      if ((e.action === 'join') !== members.has(e.user.id)) moved = true
      if (e.action === 'join') members.set(e.user.id, e.user)
      else members.delete(e.user.id)
    }
    if (moved) changed(e.action, e.user)
  }
  return {
    get members() {
      return [...members.values()]
    },
    get total() {
      return total
    },
    sync(snapshot) {
      members = new Map(snapshot.users.map((u) => [u.id, u]))
      total = snapshot.total
      snapshotVersion = totalVersion = snapshot.version
      userVersions.clear()
      changed('sync', null)
      for (const e of early.splice(0)) apply(e)
    },
    delta(e, joined) {
      if (joined) apply(e)
      else early.push(e)
    },
    halt() {
      early = []
    },
    clear() {
      early = []
      members.clear()
      userVersions.clear()
      total = snapshotVersion = totalVersion = 0
    },
  }
}
