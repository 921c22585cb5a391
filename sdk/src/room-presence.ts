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
  // Deltas that arrive with the join reply, before it is handled: the server sends the ones it
  // published while the join was read right behind the reply, and Node's socket can hand them
  // over in the same tick. They apply in order on top of the snapshot; each is a state (this
  // user in or out), so one that the snapshot already holds changes nothing.
  let early: PresenceEvent[] = []
  const changed = (action: RoomEvents['presence']['action'], user: UserProfile | null) =>
    emit('presence', { action, user, total, members: [...members.values()] })
  const apply = (e: PresenceEvent) => {
    const here = members.has(e.user.id)
    if ((e.action === 'join') === here && e.total === total) return // already so
    total = e.total
    if (e.action === 'join') members.set(e.user.id, e.user)
    else members.delete(e.user.id)
    changed(e.action, e.user)
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
      total = 0
    },
  }
}
