import { describe, expect, it } from 'vitest'
import type { NoticeKind } from '@roomful/sdk/protocol'
import { RoomfulError } from '../errors.js'
import { createLogger } from '../logger.js'
import { NoticeBacklog, type NoticeLog } from './notice-backlog.js'

const ann = { id: 'ann', name: 'Ann', avatar: null }
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A message log that is down until `up` is set, recording what it stored, in order. */
function flakyLog() {
  const stored: string[] = []
  const log = {
    up: false,
    refuse: new Set<string>(),
    async notice(_app: string, room: string, _user: unknown, notice: NoticeKind) {
      if (log.refuse.has(room)) throw new RoomfulError('room_not_found')
      if (!log.up) throw new RoomfulError('store_unavailable')
      stored.push(`${room} ${notice}`)
    },
  }
  return { log: log as NoticeLog & typeof log, stored }
}

describe('NoticeBacklog', () => {
  it('stores notices that failed once the store is back, in order, new ones queued behind', async () => {
    const { log, stored } = flakyLog()
    const backlog = new NoticeBacklog(log, createLogger('silent'), { retryMs: 20 })
    await backlog.notice('a', 'r1', ann, 'join')
    await backlog.notice('a', 'r1', ann, 'leave')
    log.up = true
    await backlog.notice('a', 'r2', ann, 'join') // the store answers, but older notices wait first
    expect(stored).toEqual([])
    await sleep(60)
    expect(stored).toEqual(['r1 join', 'r1 leave', 'r2 join'])
    expect(backlog.counts).toEqual({ deferred: 3, stored: 3, dropped: 0 })
    backlog.close()
  })

  it('drops, counting each, what is refused for good, what overflows, and what waited too long', async () => {
    const { log, stored } = flakyLog()
    const backlog = new NoticeBacklog(log, createLogger('silent'), {
      retryMs: 10_000,
      maxWaiting: 2,
      maxAgeMs: 50,
    })
    log.refuse.add('gone')
    await backlog.notice('a', 'gone', ann, 'join') // not retryable: dropped at once
    for (const room of ['r1', 'r2', 'r3']) await backlog.notice('a', room, ann, 'join') // r1 overflows
    expect(backlog.size).toBe(2)
    await sleep(80)
    log.up = true
    backlog.retryNow()
    await sleep(20)
    expect(stored).toEqual([])
    expect(backlog.counts).toEqual({ deferred: 3, stored: 0, dropped: 4 })
    backlog.close()
  })
})
