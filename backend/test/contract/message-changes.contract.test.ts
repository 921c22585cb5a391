import { randomBytes } from 'node:crypto'
import { createConnection, type RowDataPacket } from 'mysql2/promise'
import { expect, it } from 'vitest'
import { RoomfulError } from '../../src/errors.js'
import { newSortableId } from '../../src/ids.js'
import type { MessageChange, NewMessage } from '../../src/messages/message-store.js'
import { contract, type Harness } from './harness.js'

const hex = (n: number) => randomBytes(n).toString('hex')
const alice = { id: 'alice', name: 'Alice', avatar: null }

async function roomWith(h: Harness, ...texts: string[]) {
  const appId = `a${hex(4)}`
  const room = await h.node.rooms.create({
    id: newSortableId('r'),
    appId,
    name: 'Room',
    topic: null,
    createdBy: 'alice',
    createdAt: new Date(),
    lastSeq: 0,
    slowModeSeconds: 0,
    readOnly: false,
    archived: false,
  })
  const batch: NewMessage[] = texts.map((text) => ({
    id: newSortableId('m'),
    appId,
    roomId: room.id,
    kind: 'text',
    user: alice,
    text,
    clientId: hex(8),
    createdAt: new Date(),
  }))
  const stored = await h.node.messages.append(batch)
  return { appId, roomId: room.id, messages: stored.map((r) => r.message) }
}

const change = (
  at: { appId: string; roomId: string },
  kind: 'edit' | 'delete',
  targetId: string,
  text = '',
  authorize: MessageChange['authorize'] = () => {},
): MessageChange => ({
  id: newSortableId('m'),
  appId: at.appId,
  roomId: at.roomId,
  kind,
  actor: alice,
  targetId,
  text,
  createdAt: new Date(),
  authorize,
})

contract('message changes', { bothSqlForms: true }, (h, kind) => {
  it('gives each change the next seq and stores the target in its new state', async () => {
    const at = await roomWith(h(), 'one', 'two')
    const [one] = at.messages
    const { entry, target } = await h().node.messages.change(change(at, 'edit', one!.id, 'uno'))
    expect(entry).toMatchObject({ seq: 3, kind: 'edit', target: one!.id, text: 'uno', clientId: null })
    expect(target).toMatchObject({ id: one!.id, seq: 1, text: 'uno' })
    const history = await h().node.messages.history(at.appId, at.roomId, { limit: 10 })
    expect(history.map((m) => [m.seq, m.kind, m.text])).toEqual([
      [1, 'text', 'uno'],
      [2, 'text', 'two'],
      [3, 'edit', 'uno'],
    ])
    expect(history[0]!.editedAt).toBe(entry.createdAt)
    expect((await h().node.rooms.get(at.appId, at.roomId))?.lastSeq).toBe(3)
  })

  it('erases a deleted message and the texts of its edits; since() replays the change in order', async () => {
    const at = await roomWith(h(), 'secret')
    const [m] = at.messages
    await h().node.messages.change(change(at, 'edit', m!.id, 'still secret'))
    const { entry, target } = await h().node.messages.change(change(at, 'delete', m!.id))
    expect(target).toMatchObject({ text: '', deletedBy: 'alice', deletedAt: entry.createdAt })
    const replay = await h().node.messages.since(at.appId, at.roomId, 0, 10)
    expect(replay.map((x) => [x.kind, x.text])).toEqual([
      ['text', ''],
      ['edit', ''],
      ['delete', ''],
    ])
    expect(replay.some((x) => x.text.includes('secret'))).toBe(false)
  })

  it('refuses an unknown, deleted or refused target and uses no seq', async () => {
    const at = await roomWith(h(), 'kept')
    const [m] = at.messages
    const refuse = () => {
      throw new RoomfulError('forbidden')
    }
    await expect(h().node.messages.change(change(at, 'edit', 'm_none', 'x'))).rejects.toMatchObject({
      code: 'not_found',
    })
    await expect(h().node.messages.change(change(at, 'delete', m!.id, '', refuse))).rejects.toMatchObject({
      code: 'forbidden',
    })
    // Another app cannot reach the message.
    await expect(
      h().node.messages.change(change({ appId: 'elsewhere', roomId: at.roomId }, 'delete', m!.id)),
    ).rejects.toMatchObject({ code: 'not_found' })
    expect((await h().node.rooms.get(at.appId, at.roomId))?.lastSeq).toBe(1)
    await h().node.messages.change(change(at, 'delete', m!.id))
    await expect(h().node.messages.change(change(at, 'delete', m!.id))).rejects.toMatchObject({
      code: 'not_found',
    })
    expect((await h().node.rooms.get(at.appId, at.roomId))?.lastSeq).toBe(2)
  })

  if (kind === 'production')
    it('leaves nothing of a deleted text in MySQL', async () => {
      const at = await roomWith(h(), 'my address is 12 Elm St')
      const [m] = at.messages
      await h().node.messages.change(change(at, 'edit', m!.id, 'my address is 14 Elm St'))
      await h().node.messages.change(change(at, 'delete', m!.id))
      const conn = await createConnection({ uri: h().mysqlUrl! })
      try {
        const [rows] = await conn.query<RowDataPacket[]>(
          'SELECT kind, text, attachment, deleted_by FROM messages WHERE app_id = ? AND room_id = ? ORDER BY seq',
          [at.appId, at.roomId],
        )
        expect(rows.map((r) => [r.kind, r.text, r.attachment])).toEqual([
          ['text', '', null],
          ['edit', '', null],
          ['delete', '', null],
        ])
        expect(rows[0]!.deleted_by).toBe('alice')
      } finally {
        await conn.end()
      }
    })
})
