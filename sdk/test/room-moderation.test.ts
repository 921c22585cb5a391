import { afterEach, beforeEach, expect, it } from 'vitest'
import { type Client, type RoomInfo } from '../src/index.js'
import { connectTo } from './support/client.js'
import { startFakeServer, type FakeServer } from './support/fake-server.js'

let server: FakeServer
let clients: Client[] = []
beforeEach(async () => {
  server = await startFakeServer()
})
afterEach(async () => {
  for (const c of clients) c.close()
  clients = []
  await server.stop()
})
const open = () => {
  const c = connectTo(server)
  clients.push(c)
  return c
}

it("applies a moderator's new settings to room.info and emits them as 'settings'", async () => {
  const room = open().room('r1')
  await room.join()
  const seen: RoomInfo[] = []
  room.on('settings', (info) => seen.push(info))
  const changed = { ...room.info!, slowModeSeconds: 30, readOnly: true }
  server.publish('r1', { type: 'room.updated', room: changed })
  await server.until(() => seen.length === 1)
  expect(seen).toEqual([changed])
  expect(room.info).toEqual(changed)
  expect(room.status).toBe('joined')
})

it("leaves a deleted room: 'deleted', status failed with room_not_found, pending sends rejected", async () => {
  const room = open().room('r1')
  await room.join()
  let deleted = 0
  room.on('deleted', () => deleted++)
  server.hook('send', () => null)
  const waiting = room.send({ text: 'never answered' })
  server.publish('r1', { type: 'room.deleted', room: room.info! })
  await expect(waiting).rejects.toMatchObject({ code: 'room_not_found' })
  expect(deleted).toBe(1)
  expect(room.status).toBe('failed')
  expect(room.joined).toBe(false)
})

it('sends the moderation ops with their fields and resolves with their results', async () => {
  const client = open()
  const room = client.room('r1')
  await room.join()
  expect(await client.moderation.updateRoom('r1', { archived: true })).toMatchObject({ id: 'r1' })
  await client.moderation.deleteRoom('r1')
  expect(await client.moderation.reports({ status: 'resolved', limit: 5 })).toEqual({
    items: [],
    nextCursor: null,
  })
  const sent = server.frames.filter((f) => ['room.update', 'room.delete', 'reports.list'].includes(f.op))
  expect(sent).toMatchObject([
    { op: 'room.update', room: 'r1', archived: true },
    { op: 'room.delete', room: 'r1' },
    { op: 'reports.list', status: 'resolved', limit: 5 },
  ])
  await expect(room.report('m_1', 'spam')).rejects.toMatchObject({ code: 'forbidden' })
  await expect(client.moderation.resolveReport('rep_1')).rejects.toMatchObject({ code: 'not_found' })
})
