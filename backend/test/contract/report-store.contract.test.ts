import { randomBytes } from 'node:crypto'
import { expect, it } from 'vitest'
import { newSortableId } from '../../src/ids.js'
import type { ReportRecord } from '../../src/reports/report-store.js'
import { contract } from './harness.js'

const hex = (n: number) => randomBytes(n).toString('hex')

const report = (appId: string, messageId: string, reportedBy: string, reason = 'spam'): ReportRecord => ({
  appId,
  id: newSortableId('rep'),
  roomId: 'r_room',
  messageId,
  reportedBy,
  reason,
  status: 'open',
  createdAt: new Date('2026-12-03T10:00:00.123Z'),
  resolvedBy: null,
  resolvedAt: null,
})

contract('ReportStore', (h) => {
  it('stores a report and reads it back; the same user reporting the same message again gets the first', async () => {
    const appId = `a${hex(4)}`
    const first = report(appId, 'm_1', 'carol', 'spam 🥫')
    expect(await h().node.reports.create(first)).toEqual({ report: first, created: true })
    const again = await h().node.reports.create(report(appId, 'm_1', 'carol', 'other words'))
    expect(again).toEqual({ report: first, created: false })
    // Another reporter of the same message is another report.
    expect((await h().node.reports.create(report(appId, 'm_1', 'dave'))).created).toBe(true)
    expect(await h().node.reports.get(appId, first.id)).toEqual(first)
    expect(await h().node.reports.get(`b${hex(4)}`, first.id)).toBeNull()
  })

  it('lists newest first by status, in keyset pages, one app only', async () => {
    const appId = `a${hex(4)}`
    const made: ReportRecord[] = []
    for (let i = 0; i < 5; i++)
      made.push((await h().node.reports.create(report(appId, `m_${i}`, 'carol'))).report)
    await h().node.reports.create(report(`b${hex(4)}`, 'm_0', 'carol'))
    const resolvedAt = new Date('2026-12-03T11:00:00.000Z')
    const resolved = await h().node.reports.resolve(appId, made[1]!.id, 'mod', resolvedAt)
    expect(resolved).toEqual({ ...made[1], status: 'resolved', resolvedBy: 'mod', resolvedAt })
    // A second resolve keeps the first one's who and when.
    expect(await h().node.reports.resolve(appId, made[1]!.id, 'mod2', new Date())).toEqual(resolved)
    expect(await h().node.reports.resolve(appId, 'rep_missing', 'mod', new Date())).toBeNull()

    const ids = (rs: ReportRecord[]) => rs.map((r) => r.id)
    expect(ids(await h().node.reports.list(appId, { limit: 50 }))).toEqual(ids([...made].reverse()))
    const open = [made[4]!, made[3]!, made[2]!, made[0]!]
    expect(ids(await h().node.reports.list(appId, { status: 'open', limit: 50 }))).toEqual(ids(open))
    const page1 = await h().node.reports.list(appId, { status: 'open', limit: 2 })
    const page2 = await h().node.reports.list(appId, { status: 'open', limit: 2, before: page1[1]!.id })
    expect(ids([...page1, ...page2])).toEqual(ids(open))
    expect(ids(await h().node.reports.list(appId, { status: 'resolved', limit: 50 }))).toEqual([made[1]!.id])
    const other = await h().secondNode()
    expect(ids(await other.reports.list(appId, { status: 'resolved', limit: 50 }))).toEqual([made[1]!.id])
  })
})
