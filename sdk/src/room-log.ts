import { backoff, type BackoffOptions } from './backoff.js'
import type { Emitter } from './emitter.js'
import type { HistoryResult } from './protocol/frames.js'
import type { Message } from './protocol/models.js'

/** Messages between `from` and `to` (inclusive) were too many to refill and will not be emitted. */
export interface GapReset {
  from: number
  to: number
}

/** An edit or delete that reached the log, in seq order (see `RoomEvents.change`). */
export interface MessageChange {
  action: 'edit' | 'delete'
  /** Id of the message changed. */
  messageId: string
  /** The message in its new state, as `messages` now holds it; null when it is not loaded
   * (older than what the log holds). */
  message: Message | null
  /** The change's own log entry: `user` made it at `createdAt`. */
  entry: Message
}

/** What the log reports, on the room's emitter. */
export interface LogEvents {
  /** A new entry, in seq order, once (never an edit or delete: those are `change`). */
  message: Message
  /** An edit or delete, applied to `messages` in place. */
  change: MessageChange
  /** A new join/leave notice (also a `message`). */
  notice: Message
  /** The log skipped `from..to` and starts afresh after `to`. */
  reset: GapReset
}

export interface RoomOptions {
  /** Milliseconds to wait for a late message before filling a seq gap from history (default 250). */
  gapWait?: number
  /** Largest resume gap refilled from history; larger ones emit `reset` (default 500). */
  maxRefill?: number
}

/** Fetches up to `count` messages before seq `before`, ascending. */
export type PageFetch = (before: number, count: number) => Promise<HistoryResult>

/** Log entries that change an earlier message rather than being shown themselves. */
const isChange = (m: Message) => m.kind === 'edit' || m.kind === 'delete'

/** `target` after `entry`: an edit's new text, or a delete's tombstone (no text, no attachment). */
function applied(target: Message, entry: Message): Message {
  if (entry.kind === 'edit') return { ...target, text: entry.text, editedAt: entry.createdAt }
  const { attachment: _, ...rest } = target
  return { ...rest, text: '', deletedAt: entry.createdAt, deletedBy: entry.user.id }
}

/**
 * One room's log, the single owner of its messages: the ordered list a UI renders (the join
 * page, then live messages, with older pages from history in front), each seq once. Edit and
 * delete entries take seqs like messages (so they arrive in order, live and on resume) but are
 * not shown: each replaces its target in `messages` with the target's new state and emits
 * `change`.
 */
export interface RoomLog {
  /** Ascending by seq, without repeats; holes only where edit and delete entries were. */
  readonly messages: readonly Message[]
  /** Older messages exist before `messages[0]`. */
  readonly hasMore: boolean
  /** Seq of the newest message in order, the resume cursor; -1 before `start()`. */
  readonly last: number
  /** Begin with a join page; `lastSeq` is the room's newest seq when the page is empty. */
  start(page: Message[], hasMore: boolean, lastSeq: number): void
  /** Take messages from anywhere (live, send replies, replays): held until they continue the log. */
  add(messages: Message[]): void
  /** Take `messages` too, then emit what continues the log and refill holes from now on. */
  flow(messages: Message[]): void
  /** Hold everything (the connection is down or a rejoin is in flight); pending refills are dropped. */
  pause(): void
  /** A history page that ends right before `messages[0]` extends the log backwards. */
  older(page: HistoryResult, before?: number): void
  /** Forget everything: the next `start()` begins afresh. */
  clear(): void
}

export function createRoomLog(
  fetch: PageFetch,
  emit: Emitter<LogEvents>['emit'],
  opts: RoomOptions & { backoff?: BackoffOptions },
): RoomLog {
  // Messages that arrived but do not continue the log yet, by seq.
  const held = new Map<number, Message>()
  let list: Message[] = []
  // The lowest seq the log covers (its first entry may be a change, which `list` leaves out).
  let floor = 0
  let hasMore = false
  let last = -1
  let flowing = false
  let filling = false
  // Bumped by pause() and clear(): a refill that started before must not apply its result.
  let epoch = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  let retries = 0

  /** Emit held messages that continue the log; a hole starts a (delayed) refill. */
  const drain = () => {
    if (filling || !flowing) return
    for (let m; (m = held.get(last + 1));) {
      held.delete(m.seq)
      last = m.seq
      if (isChange(m)) {
        apply(m)
        continue
      }
      list.push(m)
      if (m.kind === 'notice') emit('notice', m)
      emit('message', m)
    }
    for (const seq of held.keys()) if (seq <= last) held.delete(seq)
    if (held.size && !timer) timer = setTimeout(fill, opts.gapWait ?? 250)
  }

  const apply = (entry: Message) => {
    const i = list.findIndex((m) => m.id === entry.target)
    const target = list[i]
    // A deleted message stays deleted: an older edit replayed after it changes nothing.
    const next = target && target.deletedAt === undefined ? applied(target, entry) : (target ?? null)
    if (target && next) list[i] = next
    emit('change', {
      action: entry.kind as MessageChange['action'],
      messageId: entry.target ?? '',
      message: next,
      entry,
    })
  }

  /** Fetch the messages between the last emitted one and the first held one. */
  const fill = async () => {
    timer = undefined
    if (filling || !flowing || !held.size) return
    const top = Math.min(...held.keys())
    const mine = epoch
    filling = true
    try {
      if (top - last - 1 > (opts.maxRefill ?? 500)) {
        list = []
        floor = top
        hasMore = true
        emit('reset', { from: last + 1, to: top - 1 })
      } else {
        const pages: Message[][] = []
        for (let before = top; before > last + 1;) {
          const page = await fetch(before, before - last - 1)
          if (mine !== epoch) return
          pages.unshift(page.messages)
          const first = page.messages[0]
          if (!first || !page.hasMore || first.seq >= before) break
          before = first.seq
        }
        for (const m of pages.flat()) if (m.seq > last) held.set(m.seq, m)
      }
      retries = 0
      filling = false
      drain()
      // Seqs are gapless, so a hole that history cannot fill (or a reset) is skipped, not waited
      // on: the log goes on from the oldest message it holds.
      if (mine === epoch && held.size) {
        last = Math.min(...held.keys()) - 1
        drain()
      }
    } catch {
      // Lost connection: the rejoin resumes from `last`. Otherwise try again after a while.
      if (mine === epoch) timer = setTimeout(fill, backoff(retries++, opts.backoff))
    } finally {
      if (mine === epoch) filling = false
    }
  }

  const add = (messages: Message[]) => {
    for (const m of messages) if (m.seq > last) held.set(m.seq, m)
    drain()
  }

  const pause = () => {
    flowing = filling = false
    epoch++
    clearTimeout(timer)
    timer = undefined
  }

  return {
    get messages() {
      return list
    },
    get hasMore() {
      return hasMore
    },
    get last() {
      return last
    },
    start(page, more, lastSeq) {
      // The page shows each message in its current state already: its changes are not replayed.
      list = page.filter((m) => !isChange(m))
      hasMore = more
      last = page.at(-1)?.seq ?? lastSeq
      floor = page[0]?.seq ?? last + 1
    },
    add,
    flow(messages) {
      flowing = true
      add(messages)
    },
    pause,
    older(page, before) {
      if (last < 0) return
      const top = floor
      const older = page.messages.filter((m) => m.seq < top)
      const end = older.at(-1)
      if (end ? end.seq !== top - 1 : page.messages.length || (before ?? top) < top) return
      list.unshift(...older.filter((m) => !isChange(m)))
      floor = older[0]?.seq ?? floor
      hasMore = page.hasMore
    },
    clear() {
      pause()
      held.clear()
      list = []
      floor = 0
      hasMore = false
      last = -1
    },
  }
}
