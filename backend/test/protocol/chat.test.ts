import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JoinResult, Message, RankingBoard, SendResult } from '@roomful/sdk/protocol'
import { modesToTest } from '../support/modes.js'
import { mintUserToken } from '../support/tokens.js'
import { startTestServer, type TestServer } from '../support/test-server.js'
import { createRoom as createRoomAt } from '../support/rooms.js'
import { WsTestClient } from '../support/ws-client.js'

const modes = await modesToTest()

describe.each(modes)('chatting over real sockets (%s)', (mode) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(mode)
  })
  afterAll(async () => server?.stop())

  const createRoom = async (name: string) =>
    createRoomAt(server.url, server.app.id, await server.token('creator'), name)
  const connect = async (sub: string, name = sub) =>
    WsTestClient.authed(server.url, server.app.id, await server.token(sub, name))

  it('shows the latest history and a presence snapshot on join, and delivers each send once to every member', async () => {
    const room = await createRoom('general')
    const alice = await connect('alice', 'Alice')
    await alice.request('join', { room: room.id })
    const sent: Message[] = []
    for (const text of ['one', 'two', 'three']) {
      const reply = await alice.request<SendResult>('send', { room: room.id, clientId: `c-${text}`, text })
      expect(reply.error).toBeUndefined()
      sent.push(reply.result!.message)
    }
    expect(sent.map((m) => m.seq)).toEqual([...sent.map((m) => m.seq)].sort((a, b) => a - b))

    const bob = await connect('bob', 'Bob')
    const join = await bob.request<JoinResult>('join', { room: room.id })
    const texts = join.result!.messages.filter((m) => m.kind === 'text').map((m) => m.text)
    expect(texts).toEqual(['one', 'two', 'three'])
    expect(join.result!.presence.users.map((u) => u.name).sort()).toEqual(['Alice', 'Bob'])
    expect(join.result!.presence.total).toBe(2)
    await alice.waitFor((f) => f.type === 'presence' && f.action === 'join' && f.user.id === 'bob')

    const reply = await bob.request<SendResult>('send', { room: room.id, clientId: 'b-1', text: 'hi alice' })
    const stored = reply.result!.message
    expect(stored).toMatchObject({
      roomId: room.id,
      text: 'hi alice',
      kind: 'text',
      user: { id: 'bob', name: 'Bob' },
    })
    await alice.waitFor((f) => f.type === 'message' && f.message.seq === stored.seq)
    // Let any duplicate arrive before counting.
    await alice.request('ping')
    await bob.request('ping')
    expect(alice.messagesIn(room.id).filter((m) => m.seq === stored.seq)).toHaveLength(1)
    expect(bob.messagesIn(room.id).filter((m) => m.seq === stored.seq)).toHaveLength(1)

    // History over the socket pages backwards by seq.
    const history = await bob.request<{ messages: Message[] }>('history', {
      room: room.id,
      before: stored.seq,
      limit: 2,
    })
    expect(history.result!.messages.map((m) => m.seq)).toEqual([stored.seq - 2, stored.seq - 1])
    await Promise.all([alice.close(), bob.close()])
  })

  it('counts two tabs of one user once in presence and in the ranking, and shows notices in the log', async () => {
    const room = await createRoom('tabs')
    const watcher = await connect('watcher')
    const board0 = await watcher.request<{ board: RankingBoard }>('ranking.subscribe')
    expect(board0.error).toBeUndefined()
    await watcher.request('join', { room: room.id })

    const tab1 = await connect('carol', 'Carol')
    const tab2 = await connect('carol', 'Carol')
    await tab1.request('join', { room: room.id })
    const second = await tab2.request<JoinResult>('join', { room: room.id })
    expect(second.result!.presence.total).toBe(2)

    const ranked = await watcher.waitFor(
      (f) => f.type === 'ranking' && f.board.entries.some((e) => e.roomId === room.id && e.occupancy === 2),
    )
    expect(ranked.type).toBe('ranking')
    const carolJoins = watcher.frames.filter(
      (f) => f.type === 'presence' && f.action === 'join' && f.user.id === 'carol',
    )
    expect(carolJoins).toHaveLength(1)

    // Closing one tab changes nothing for others; closing the last one is a leave.
    await tab1.close()
    await tab2.request('ping')
    await watcher.request('ping')
    expect(watcher.frames.filter((f) => f.type === 'presence' && f.action === 'leave')).toHaveLength(0)
    await tab2.close()
    await watcher.waitFor(
      (f) => f.type === 'presence' && f.action === 'leave' && f.user.id === 'carol' && f.total === 1,
    )
    await watcher.waitFor(
      (f) => f.type === 'ranking' && f.board.entries.some((e) => e.roomId === room.id && e.occupancy === 1),
    )
    // The leave notice is stored like a message, so it may trail the presence delta.
    await watcher.waitFor(
      (f) => f.type === 'message' && f.message.notice === 'leave' && f.message.user.id === 'carol',
    )
    const notices = watcher.messagesIn(room.id).filter((m) => m.kind === 'notice' && m.user.id === 'carol')
    expect(notices.map((m) => m.notice)).toEqual(['join', 'leave'])
    await watcher.close()
  })

  it('pushes created rooms and occupancy changes to lobby subscribers', async () => {
    const lobby = await connect('lobby-watcher')
    await lobby.request('rooms.subscribe')
    const room = await createRoom('fresh room')
    const created = await lobby.waitFor((f) => f.type === 'room.created' && f.room.id === room.id)
    expect(created).toMatchObject({ room: { name: 'fresh room', occupancy: 0 } })
    const dave = await connect('dave')
    await dave.request('join', { room: room.id })
    await lobby.waitFor((f) => f.type === 'occupancy' && f.room === room.id && f.occupancy === 1)
    await Promise.all([lobby.close(), dave.close()])
  })

  it('keeps apps apart: a token of one app cannot join or read another app', async () => {
    const room = await createRoom('private')
    const otherToken = await server.token('mallory')
    const foreign = await WsTestClient.connect(server.url, server.other.id)
    const refused = await foreign.request('auth', { token: otherToken })
    expect(refused.error?.code).toBe('token_invalid')
    expect((await foreign.closed).code).toBe(4001)

    // With a genuine token of the other app, the room simply does not exist there.
    const otherAppToken = await mintUserToken(server.other.id, server.other.secret, { sub: 'mallory' })
    const res = await fetch(`${server.url}/v1/apps/${server.other.id}/rooms/${room.id}`, {
      headers: { Authorization: `Bearer ${otherAppToken}` },
    })
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ error: { code: 'room_not_found' } })
    const outsider = await WsTestClient.authed(server.url, server.other.id, otherAppToken)
    expect((await outsider.request('join', { room: room.id })).error?.code).toBe('room_not_found')
    expect((await outsider.request('history', { room: room.id })).error?.code).toBe('room_not_found')
    await outsider.close()
  })
})
