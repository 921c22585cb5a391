import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { newSortableId } from '../../src/ids.js'
import type { RoomRecord } from '../../src/rooms/room-store.js'
import { contract } from './harness.js'

const hex = (n: number) => randomBytes(n).toString('hex')

const room = (appId: string, name: string): RoomRecord => ({
  id: newSortableId('r'),
  appId,
  name,
  topic: null,
  createdBy: 'user-1',
  createdAt: new Date(),
  lastSeq: 0,
  slowModeSeconds: 0,
  readOnly: false,
  archived: false,
})

async function seed(store: { create(r: RoomRecord): Promise<RoomRecord> }, appId: string, n: number) {
  const created: RoomRecord[] = []
  // One at a time: ids must be created in order for "newest first" to mean something.
  for (let i = 0; i < n; i++) created.push(await store.create(room(appId, `room ${i}`)))
  return created
}

contract('RoomStore', (h, kind) => {
  it('creates a room and reads it back', async () => {
    const appId = `a${hex(4)}`
    const r = { ...room(appId, 'Lobby'), topic: 'Say hi 👋', createdAt: new Date('2026-11-25T06:00:00.123Z') }
    await h().node.rooms.create(r)
    expect(await h().node.rooms.get(appId, r.id)).toEqual(r)
    expect(await h().node.rooms.get(appId, 'r_missing')).toBeNull()
  })

  it('getMany returns the rooms that exist in this app and skips the rest', async () => {
    const appId = `a${hex(4)}`
    const [a, b] = await seed(h().node.rooms, appId, 2)
    const foreign = await h().node.rooms.create(room(`b${hex(4)}`, 'Elsewhere'))
    const got = await h().node.rooms.getMany(appId, [a!.id, 'r_missing', b!.id, foreign.id, a!.id])
    expect(got.map((r) => r.id).sort()).toEqual([a!.id, b!.id].sort())
    expect(await h().node.rooms.getMany(appId, [])).toEqual([])
  })

  it('lists newest first in keyset pages with no overlap and no gap', async () => {
    const appId = `a${hex(4)}`
    const created = await seed(h().node.rooms, appId, 7)
    const expected = created.map((r) => r.id).reverse()
    const seen: string[] = []
    let after: string | undefined
    for (;;) {
      const page = await h().node.rooms.list(appId, { limit: 3, after })
      seen.push(...page.map((r) => r.id))
      if (page.length < 3) break
      after = page[page.length - 1]!.id
    }
    expect(seen).toEqual(expected)
    expect((await h().node.rooms.list(appId, { limit: 50 })).map((r) => r.name)).toEqual(
      [...created].reverse().map((r) => r.name),
    )
  })

  it('never shows one app the rooms of another', async () => {
    const appA = `a${hex(4)}`
    const appB = `b${hex(4)}`
    const [a] = await seed(h().node.rooms, appA, 2)
    expect(await h().node.rooms.list(appB, { limit: 50 })).toEqual([])
    expect(await h().node.rooms.get(appB, a!.id)).toBeNull()
    expect(await h().node.rooms.getMany(appB, [a!.id])).toEqual([])
  })

  it('stores settings with the room: off at creation, changed field by field, read back everywhere', async () => {
    const appId = `a${hex(4)}`
    const [r] = await seed(h().node.rooms, appId, 1)
    expect(await h().node.rooms.get(appId, r!.id)).toMatchObject({
      slowModeSeconds: 0,
      readOnly: false,
      archived: false,
    })
    expect(await h().node.rooms.update(appId, r!.id, { slowModeSeconds: 30, readOnly: true })).toMatchObject({
      id: r!.id,
      slowModeSeconds: 30,
      readOnly: true,
      archived: false,
    })
    // An absent field stays as it was.
    await h().node.rooms.update(appId, r!.id, { readOnly: false })
    const other = await h().secondNode()
    expect(await other.rooms.get(appId, r!.id)).toMatchObject({
      slowModeSeconds: 30,
      readOnly: false,
      archived: false,
    })
    expect((await other.rooms.getMany(appId, [r!.id]))[0]).toMatchObject({ slowModeSeconds: 30 })
    expect(await h().node.rooms.update(appId, 'r_missing', { readOnly: true })).toBeNull()
  })

  it('leaves archived rooms out of the list, keeps them readable by id, and lists them again once unarchived', async () => {
    const appId = `a${hex(4)}`
    const created = await seed(h().node.rooms, appId, 5)
    await h().node.rooms.update(appId, created[3]!.id, { archived: true })
    await h().node.rooms.update(appId, created[1]!.id, { archived: true })
    const visible = [created[4]!, created[2]!, created[0]!].map((r) => r.id)
    expect((await h().node.rooms.list(appId, { limit: 50 })).map((r) => r.id)).toEqual(visible)
    // Keyset pages skip them too, with no gap.
    const first = await h().node.rooms.list(appId, { limit: 2 })
    const second = await h().node.rooms.list(appId, { limit: 2, after: first[1]!.id })
    expect([...first, ...second].map((r) => r.id)).toEqual(visible)
    expect(await h().node.rooms.get(appId, created[3]!.id)).toMatchObject({ archived: true })
    await h().node.rooms.update(appId, created[3]!.id, { archived: false })
    expect((await h().node.rooms.list(appId, { limit: 50 })).map((r) => r.id)).toContain(created[3]!.id)
  })

  it('deletes a room with its messages and reports, and nothing of another room', async () => {
    const appId = `a${hex(4)}`
    const [doomed, kept] = await seed(h().node.rooms, appId, 2)
    const user = { id: 'u1', name: 'U', avatar: null }
    const message = (roomId: string, n: number) => ({
      id: newSortableId('m'),
      appId,
      roomId,
      kind: 'text' as const,
      user,
      text: `hello ${n}`,
      clientId: `c${n}`,
      createdAt: new Date(),
    })
    const stored = await h().node.messages.append([
      message(doomed!.id, 1),
      message(doomed!.id, 2),
      message(kept!.id, 3),
    ])
    const report = (roomId: string, messageId: string) => ({
      appId,
      id: newSortableId('rep'),
      roomId,
      messageId,
      reportedBy: 'u2',
      reason: 'spam',
      status: 'open' as const,
      createdAt: new Date(),
      resolvedBy: null,
      resolvedAt: null,
    })
    await h().node.reports.create(report(doomed!.id, stored[0]!.message.id))
    const keptReport = (await h().node.reports.create(report(kept!.id, stored[2]!.message.id))).report

    expect(await h().node.rooms.delete(appId, doomed!.id)).toBe(true)
    expect(await h().node.rooms.get(appId, doomed!.id)).toBeNull()
    expect(await h().node.messages.history(appId, doomed!.id, { limit: 50 })).toEqual([])
    expect(await h().node.messages.get(appId, doomed!.id, stored[0]!.message.id)).toBeNull()
    expect((await h().node.reports.list(appId, { limit: 50 })).map((r) => r.id)).toEqual([keptReport.id])
    expect((await h().node.messages.history(appId, kept!.id, { limit: 50 })).map((m) => m.text)).toEqual([
      'hello 3',
    ])
    // A send into the deleted room finds no room; a second delete finds nothing to delete.
    await expect(h().node.messages.append([message(doomed!.id, 4)])).rejects.toMatchObject({
      code: 'room_not_found',
    })
    expect(await h().node.rooms.delete(appId, doomed!.id)).toBe(false)
    // Re-creating the same id starts an empty room.
    await h().node.rooms.create({ ...doomed!, lastSeq: 0 })
    expect(await h().node.messages.history(appId, doomed!.id, { limit: 50 })).toEqual([])
  })

  // Embedded mode has no statements to count.
  if (kind === 'production')
    it('costs one statement per list page whatever its size', async () => {
      const node = h().node
      if (!node.statementCount) throw new Error('production drivers count their round trips')
      const appId = `a${hex(4)}`
      await seed(node.rooms, appId, 60)
      const cost = async (limit: number, after?: string) => {
        const before = node.statementCount!()
        const page = await node.rooms.list(appId, { limit, after })
        return { statements: node.statementCount!() - before, page }
      }
      const one = await cost(1)
      const fifty = await cost(50)
      const next = await cost(50, fifty.page[49]!.id)
      expect(one.page).toHaveLength(1)
      expect(fifty.page).toHaveLength(50)
      expect(next.page).toHaveLength(10)
      expect([one.statements, fifty.statements, next.statements]).toEqual([1, 1, 1])
    })
})

// The keyset order of the room list rests on this: ids made later sort later, even within
// one millisecond, as plain ASCII (what MySQL's ascii_bin and JavaScript's < both use).
describe('newSortableId', () => {
  it('sorts in creation order, is fixed width and fits the id schema', () => {
    const ids = Array.from({ length: 5000 }, () => newSortableId('r'))
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(ids).size).toBe(ids.length)
    expect(new Set(ids.map((id) => id.length)).size).toBe(1)
    for (const id of ids.slice(0, 50)) expect(id).toMatch(/^[A-Za-z0-9_-]{1,64}$/)
  })
})
