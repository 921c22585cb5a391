import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JoinResult, Message, SendResult } from '@roomful/sdk/protocol'
import { modesToTest } from '../support/modes.js'
import { startTestServer, TEST_LIMITS, type TestServer } from '../support/test-server.js'
import { createRoom as createRoomAt } from '../support/rooms.js'
import { WsTestClient } from '../support/ws-client.js'

const modes = await modesToTest()

describe.each(modes)('resume and idempotent send (%s)', (mode) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(mode)
  })
  afterAll(async () => server?.stop())

  const connect = async (sub: string) =>
    WsTestClient.authed(server.url, server.app.id, await server.token(sub))
  const createRoom = async (name: string) =>
    createRoomAt(server.url, server.app.id, await server.token('owner'), name)

  it('replays exactly the messages a dropped member missed, in order, then goes live without duplicates', async () => {
    const room = await createRoom('resume')
    const sender = await connect('sender')
    await sender.request('join', { room: room.id })
    const member = await connect('member')
    await member.request('join', { room: room.id })
    await sender.request('send', { room: room.id, clientId: 'before', text: 'before the drop' })
    const seen = await member.waitFor((f) => f.type === 'message' && f.message.text === 'before the drop')
    const lastSeen = (seen as { message: Message }).message.seq
    member.terminate()

    const missed: Message[] = []
    for (let i = 1; i <= 20; i++) {
      const reply = await sender.request<SendResult>('send', {
        room: room.id,
        clientId: `gap-${i}`,
        text: `missed ${i}`,
      })
      missed.push(reply.result!.message)
    }

    const back = await connect('member')
    // Messages keep flowing while the member rejoins: the seam must neither drop nor repeat.
    const live = Array.from({ length: 5 }, (_, i) =>
      sender.request('send', { room: room.id, clientId: `live-${i}`, text: `live ${i}` }),
    )
    const join = await back.request<JoinResult>('join', { room: room.id, sinceSeq: lastSeen })
    await Promise.all(live)
    expect(join.result!.replay).toBe('resumed')
    const replayed = join.result!.messages.filter((m) => m.kind === 'text')
    expect(replayed.slice(0, 20).map((m) => m.text)).toEqual(missed.map((m) => m.text))

    // Each live message arrives either in the replay or as an event, whichever came first.
    const received = () => [...join.result!.messages, ...back.messagesIn(room.id)]
    await back.waitFor(() => received().filter((m) => m.text.startsWith('live ')).length === 5)
    const all = received()
    const seqs = all.map((m) => m.seq)
    expect(new Set(seqs).size).toBe(seqs.length)
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
    expect(seqs[0]).toBe(lastSeen + 1)
    expect(seqs.at(-1)! - seqs[0]! + 1).toBe(seqs.length) // no gap
    const texts = all.filter((m) => m.kind === 'text').map((m) => m.text)
    for (let i = 0; i < 5; i++) expect(texts).toContain(`live ${i}`)
    await Promise.all([sender.close(), back.close()])
  })

  it('says a gap is too old to replay and returns the latest page instead', async () => {
    const room = await createRoom('old gap')
    const sender = await connect('sender')
    await sender.request('join', { room: room.id })
    const count = TEST_LIMITS.maxReplay + 5
    for (let i = 1; i <= count; i++)
      await sender.request('send', { room: room.id, clientId: `old-${i}`, text: `old ${i}` })
    const member = await connect('member2')
    const join = await member.request<JoinResult>('join', { room: room.id, sinceSeq: 1, limit: 10 })
    expect(join.result!.replay).toBe('too_old')
    expect(join.result!.messages).toHaveLength(10)
    expect(join.result!.messages.filter((m) => m.kind === 'text').at(-1)?.text).toBe(`old ${count}`)
    expect(join.result!.hasMore).toBe(true)
    await Promise.all([sender.close(), member.close()])
  })

  it('treats a position past the room’s end as too old, and keeps delivering live messages', async () => {
    const room = await createRoom('future')
    const sender = await connect('sender')
    await sender.request('join', { room: room.id })
    const member = await connect('time-traveller')
    const join = await member.request<JoinResult>('join', { room: room.id, sinceSeq: 1_000_000 })
    expect(join.result!.replay).toBe('too_old')
    const sent = await sender.request<SendResult>('send', {
      room: room.id,
      clientId: 'after',
      text: 'still live',
    })
    await member.waitFor((f) => f.type === 'message' && f.message.seq === sent.result!.message.seq)
    await Promise.all([sender.close(), member.close()])
  })

  it('stores and delivers a retried send once, also across a reconnect', async () => {
    const room = await createRoom('idempotent')
    const watcher = await connect('watcher')
    await watcher.request('join', { room: room.id })
    const first = await connect('retrier')
    await first.request('join', { room: room.id })
    const original = await first.request<SendResult>('send', {
      room: room.id,
      clientId: 'same-id',
      text: 'only once',
    })
    const again = await first.request<SendResult>('send', {
      room: room.id,
      clientId: 'same-id',
      text: 'only once',
    })
    expect(again.result!.message).toEqual(original.result!.message)
    first.terminate()

    const second = await connect('retrier')
    await second.request('join', { room: room.id })
    const afterReconnect = await second.request<SendResult>('send', {
      room: room.id,
      clientId: 'same-id',
      text: 'only once',
    })
    expect(afterReconnect.result!.message.id).toBe(original.result!.message.id)

    await watcher.request('ping')
    const history = await watcher.request<{ messages: Message[] }>('history', { room: room.id })
    expect(history.result!.messages.filter((m) => m.text === 'only once')).toHaveLength(1)
    expect(watcher.messagesIn(room.id).filter((m) => m.text === 'only once')).toHaveLength(1)
    await Promise.all([watcher.close(), second.close()])
  })
})
