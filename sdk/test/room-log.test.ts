import { describe, expect, it, vi } from 'vitest'
import { createEmitter } from '../src/emitter.js'
import type { HistoryResult } from '../src/protocol/frames.js'
import type { Message } from '../src/protocol/models.js'
import { createRoomLog, type GapReset, type LogEvents, type PageFetch } from '../src/room-log.js'
import { range, seqs, sleep } from './support/client.js'

const msg = (seq: number, kind: Message['kind'] = 'text'): Message => ({
  id: `m${seq}`,
  roomId: 'r1',
  seq,
  kind,
  user: { id: 'u1', name: 'One', avatar: null },
  text: `text ${seq}`,
  clientId: null,
  createdAt: new Date(0).toISOString(),
})
const msgs = (from: number, to: number) => range(from, to).map((seq) => msg(seq))

/** A history endpoint over the messages 1..newest, newest first like the server's pages. */
function history(newest: number, lost: number[] = []): PageFetch & { calls: [number, number][] } {
  const calls: [number, number][] = []
  const fetch = async (before: number, count: number): Promise<HistoryResult> => {
    calls.push([before, count])
    const from = Math.max(1, before - count)
    const messages = msgs(from, Math.min(before - 1, newest)).filter((m) => !lost.includes(m.seq))
    return { messages, hasMore: from > 1 }
  }
  return Object.assign(fetch, { calls })
}

/** A log started at a join page of 1..`upTo`, flowing, with what it emits recorded. */
function started(upTo: number, fetch: PageFetch = history(1000), opts = {}) {
  const events = createEmitter<LogEvents>()
  const emitted: Message[] = []
  const notices: Message[] = []
  const resets: GapReset[] = []
  events.on('message', (m) => emitted.push(m))
  events.on('notice', (m) => notices.push(m))
  events.on('reset', (r) => resets.push(r))
  const log = createRoomLog(fetch, events.emit, { gapWait: 0, backoff: { min: 1, max: 2 }, ...opts })
  log.start(msgs(1, upTo), false, upTo)
  log.flow([])
  return { log, emitted, notices, resets }
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await sleep(2)
  expect(check()).toBe(true)
}

describe('the room log', () => {
  it('puts messages that arrive out of order in seq order, after the join page', () => {
    const { log, emitted } = started(2)
    log.add([msg(4)])
    expect(emitted).toEqual([])
    log.add([msg(3)])
    expect(seqs(emitted)).toEqual([3, 4])
    expect(seqs([...log.messages])).toEqual([1, 2, 3, 4])
    expect(log.last).toBe(4)
  })

  it('emits each seq once, whatever repeats it (page, echo, reply, replay)', () => {
    const { log, emitted, notices } = started(2)
    log.add([msg(2), msg(3)])
    log.add([msg(3)])
    log.add([msg(1), msg(3), msg(4, 'notice')])
    expect(seqs(emitted)).toEqual([3, 4])
    expect(seqs(notices)).toEqual([4])
    expect(seqs([...log.messages])).toEqual([1, 2, 3, 4])
  })

  it('holds everything while paused and lets it flow in order afterwards', () => {
    const { log, emitted } = started(2)
    log.pause()
    log.add([msg(4), msg(3)])
    expect(emitted).toEqual([])
    log.flow([msg(5)])
    expect(seqs(emitted)).toEqual([3, 4, 5])
  })

  it('fills a gap from history and emits what it found before what waited', async () => {
    const fetch = history(1000)
    const { log, emitted } = started(2, fetch)
    log.add([msg(6)])
    await until(() => emitted.length === 4)
    expect(seqs(emitted)).toEqual([3, 4, 5, 6])
    expect(fetch.calls).toEqual([[6, 3]])
  })

  it('fetches as many pages as a long gap takes, within maxRefill', async () => {
    const fetch: PageFetch = async (before, count) => {
      const from = Math.max(before - Math.min(count, 10), 1)
      return { messages: msgs(from, before - 1), hasMore: from > 1 }
    }
    const { log, emitted } = started(2, fetch)
    log.add([msg(40)])
    await until(() => emitted.length === 38)
    expect(seqs(emitted)).toEqual(range(3, 40))
  })

  it('skips a hole that history cannot fill instead of waiting on it forever', async () => {
    const { log, emitted } = started(2, history(1000, [3, 4]))
    log.add([msg(6)])
    await until(() => emitted.length === 2)
    expect(seqs(emitted)).toEqual([5, 6])
  })

  it('tries a failed refill again after a backoff', async () => {
    const fetch = vi
      .fn<PageFetch>()
      .mockRejectedValueOnce(new Error('offline'))
      .mockImplementation(history(1000))
    const { log, emitted } = started(2, fetch)
    log.add([msg(5)])
    await until(() => emitted.length === 3)
    expect(fetch).toHaveBeenCalledTimes(2)
  })

  it('resets instead of refilling a gap larger than maxRefill: the list starts afresh', async () => {
    const fetch = history(1000)
    const { log, emitted, resets } = started(2, fetch, { maxRefill: 10 })
    log.add([msg(30), msg(31)])
    await until(() => emitted.length === 2)
    expect(resets).toEqual([{ from: 3, to: 29 }])
    expect(fetch.calls).toEqual([])
    expect(seqs(emitted)).toEqual([30, 31])
    expect(seqs([...log.messages])).toEqual([30, 31])
    expect(log.hasMore).toBe(true)
  })

  it('drops a refill that a pause made moot', async () => {
    let release!: () => void
    const fetch: PageFetch = (before, count) =>
      new Promise((resolve) => (release = () => resolve(history(1000)(before, count))))
    const { log, emitted } = started(2, fetch)
    log.add([msg(5)])
    await until(() => !!release)
    log.pause()
    release()
    await sleep(10)
    expect(emitted).toEqual([])
  })

  it('extends the list backwards with a history page that ends right before it, and only then', () => {
    const { log } = started(0)
    log.start(msgs(11, 20), true, 20)
    log.older({ messages: msgs(5, 9), hasMore: true }, 10) // leaves a hole at 10
    expect(seqs([...log.messages])).toEqual(range(11, 20))
    log.older({ messages: msgs(1, 10), hasMore: false }, 11)
    expect(seqs([...log.messages])).toEqual(range(1, 20))
    expect(log.hasMore).toBe(false)
  })

  it('forgets everything on clear', () => {
    const { log, emitted } = started(3)
    log.add([msg(5)])
    log.clear()
    expect([...log.messages]).toEqual([])
    expect(log.last).toBe(-1)
    log.start(msgs(1, 4), false, 4)
    log.flow([])
    expect(emitted).toEqual([])
  })
})

describe('edits and deletes in the room log', () => {
  const change = (seq: number, kind: 'edit' | 'delete', target: number, text = ''): Message => ({
    ...msg(seq, kind),
    user: { id: 'mod', name: 'Mod', avatar: null },
    text,
    target: `m${target}`,
    createdAt: new Date(seq * 1000).toISOString(),
  })

  it('applies a change in place, in seq order, without showing the entry as a message', () => {
    const { log, emitted } = started(3)
    // The delete (seq 5) overtakes the edit (seq 4): nothing applies until the edit arrives.
    log.add([change(5, 'delete', 1)])
    expect(log.messages[0]).toMatchObject({ text: 'text 1' })
    log.add([change(4, 'edit', 2, 'two, fixed')])
    expect(log.messages.map((m) => m.text)).toEqual(['', 'two, fixed', 'text 3'])
    expect(log.messages[0]).toMatchObject({ deletedBy: 'mod', deletedAt: new Date(5000).toISOString() })
    expect(log.messages[1]).toMatchObject({ editedAt: new Date(4000).toISOString() })
    expect(emitted).toEqual([])
    expect(log.last).toBe(5)
  })

  it('emits change with the new state, and null for a target older than the log', () => {
    const events = createEmitter<LogEvents>()
    const seen: LogEvents['change'][] = []
    events.on('change', (c) => seen.push(c))
    const log = createRoomLog(history(1000), events.emit, { gapWait: 0 })
    log.start(msgs(10, 12), true, 12)
    log.flow([change(13, 'delete', 11), change(14, 'edit', 2, 'old one')])
    expect(seen.map((c) => [c.action, c.messageId, c.message?.text ?? null])).toEqual([
      ['delete', 'm11', ''],
      ['edit', 'm2', null],
    ])
    // A replayed edit of a message deleted since does not bring text back.
    log.add([change(15, 'edit', 11, 'back?')])
    expect(log.messages.find((m) => m.id === 'm11')?.text).toBe('')
  })

  it('keeps change entries out of the list on join and in older pages, and still pages back', () => {
    const log = createRoomLog(history(1000), createEmitter<LogEvents>().emit, { gapWait: 0 })
    log.start([msg(5), change(6, 'edit', 5, 'five'), msg(7)], true, 7)
    expect(seqs([...log.messages])).toEqual([5, 7])
    log.older({ messages: [msg(3), change(4, 'delete', 1)], hasMore: true }, 5)
    expect(seqs([...log.messages])).toEqual([3, 5, 7])
    log.older({ messages: [msg(1), msg(2)], hasMore: false }, 3)
    expect(seqs([...log.messages])).toEqual([1, 2, 3, 5, 7])
    expect(log.hasMore).toBe(false)
  })
})
