import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  isRoomfulError,
  type Client,
  type GapReset,
  type Message,
  type PendingSend,
  type PresenceChange,
  type RoomStatusChange,
} from '../src/index.js'
import { connectTo, range, reach, record, seqs } from './support/client.js'
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
const open = (...args: Parameters<typeof connectTo> extends [unknown, ...infer R] ? R : never) => {
  const c = connectTo(server, ...args)
  clients.push(c)
  return c
}

/** A gate a hook can wait on. */
function gate() {
  let release!: () => void
  const wait = new Promise<void>((r) => (release = r))
  return { wait, release }
}

describe('joining', () => {
  it('shows the latest messages and who is here, then live messages once each', async () => {
    for (let i = 1; i <= 60; i++) server.post('r1', `old ${i}`)
    const room = open().room('r1')
    const seen = record(room)
    const joined = await room.join()
    expect(seqs(joined.messages)).toEqual(range(11, 60))
    expect(joined.hasMore).toBe(true)
    expect(room.members.map((u) => u.id)).toEqual(['alice'])
    server.post('r1', 'live')
    await server.until(() => seen.length === 1)
    expect(seqs(seen)).toEqual([61])
    const older = await room.history({ before: 11, limit: 10 })
    expect(seqs(older.messages)).toEqual(range(1, 10))
  })

  it('merges live messages that arrive before the join reply, without repeating the page', async () => {
    server.post('r1', 'a')
    server.post('r1', 'b')
    server.hook('join', (frame, conn, next) => {
      const reply = next()
      // The server subscribes first: a message in the page and a newer one overtake the reply.
      conn.push({ type: 'message', room: 'r1', message: server.log('r1')[1] })
      server.post('r1', 'c')
      return reply
    })
    const room = open().room('r1')
    const seen = record(room)
    const joined = await room.join()
    expect(seqs(joined.messages)).toEqual([1, 2])
    await server.until(() => seen.length >= 1)
    server.post('r1', 'd')
    await server.until(() => seen.length >= 2)
    expect(seqs(seen)).toEqual([3, 4])
  })

  it('lets the caller render the join page before live messages that overtook the reply', async () => {
    server.post('r1', 'a')
    server.hook('join', (_f, _conn, next) => {
      const reply = next()
      server.post('r1', 'b') // published before the reply goes out
      return reply
    })
    const room = open().room('r1')
    const log: string[] = []
    room.on('message', (m) => log.push(m.text))
    const { messages } = await room.join()
    log.push(...messages.map((m) => m.text))
    await server.until(() => log.length === 2)
    expect(log).toEqual(['a', 'b'])
  })

  it('rejects with the server error code when the room does not exist', async () => {
    server.hook('join', () => ({ error: { code: 'room_not_found', message: 'no such room' } }))
    const err = await open()
      .room('nope')
      .join()
      .catch((e: unknown) => e)
    expect(isRoomfulError(err) && [err.code, err.status]).toEqual(['room_not_found', 404])
  })

  it('sends notices to the notice event and to the log', async () => {
    const room = open().room('r1')
    const seen = record(room)
    const notices: Message[] = []
    room.on('notice', (m) => notices.push(m))
    await room.join()
    const notice: Message = { ...server.post('r1', '', { publish: false }), kind: 'notice', notice: 'join' }
    server.log('r1')[0] = notice
    server.publish('r1', { type: 'message', room: 'r1', message: notice })
    server.post('r1', 'hi')
    await server.until(() => seen.length === 2)
    expect(notices.map((m) => m.notice)).toEqual(['join'])
    expect(seen.map((m) => m.kind)).toEqual(['notice', 'text'])
  })

  it('keeps members from the snapshot and live joins and leaves', async () => {
    const room = open().room('r1')
    const changes: PresenceChange[] = []
    room.on('presence', (c) => changes.push(c))
    await room.join()
    const bob = open({ token: 'bob' }).room('r1')
    await bob.join()
    await server.until(() => room.members.length === 2)
    expect(room.members.map((u) => u.id).sort()).toEqual(['alice', 'bob'])
    server.publish('r1', {
      type: 'presence',
      room: 'r1',
      action: 'leave',
      user: bob.members[1]!,
      total: 1,
      version: server.nextPresenceVersion(),
    })
    await server.until(() => room.members.length === 1)
    expect(changes.map((c) => `${c.action}:${c.user?.id ?? ''}:${c.total}`)).toEqual([
      'sync::1',
      'join:bob:2',
      'leave:bob:1',
    ])
    expect(room.total).toBe(1)
  })

  it('shows the newest count and state when presence events arrive out of order', async () => {
    const room = open().room('r1')
    await room.join()
    const user = (id: string) => ({ id, name: id, avatar: null })
    const [older, newer, newest] = [1, 2, 3].map(() => server.nextPresenceVersion())
    const event = (action: 'join' | 'leave', id: string, total: number, version: number) =>
      server.publish('r1', { type: 'presence', room: 'r1', action, user: user(id), total, version })
    // Two nodes published: carol's join (made last) overtook bob's; bob's late event must not
    // take the count back to 2.
    event('join', 'carol', 3, newer!)
    event('join', 'bob', 2, older!)
    await server.until(() => room.members.length === 3)
    expect(room.total).toBe(3)
    // A leave of carol's that is older than her join changes nothing; a newer one does.
    event('leave', 'carol', 2, older!)
    event('leave', 'bob', 2, newest!)
    await server.until(() => room.members.length === 2)
    expect(room.members.map((u) => u.id).sort()).toEqual(['alice', 'carol'])
    expect(room.total).toBe(2)
  })

  it('applies joins and leaves sent right behind the join reply on top of its snapshot', async () => {
    const carol = { id: 'carol', name: 'Carol', avatar: null }
    const dave = { id: 'dave', name: 'Dave', avatar: null }
    server.hook('join', (frame, conn, next) => {
      // The server replays what it published while this join read its snapshot and backlog:
      // Node's socket hands these to the client in the same tick as the reply.
      const beforeSnapshot = server.nextPresenceVersion()
      conn.push({ type: 'reply', id: frame.id, ...next() })
      const v = () => server.nextPresenceVersion()
      // One the snapshot holds already (alice's own earlier leave): ignored.
      const alice = { id: 'alice', name: 'alice', avatar: null }
      conn.push({
        type: 'presence',
        room: 'r1',
        action: 'leave',
        user: alice,
        total: 0,
        version: beforeSnapshot,
      })
      conn.push({ type: 'presence', room: 'r1', action: 'join', user: carol, total: 2, version: v() })
      conn.push({ type: 'presence', room: 'r1', action: 'join', user: dave, total: 3, version: v() })
      conn.push({ type: 'presence', room: 'r1', action: 'leave', user: carol, total: 2, version: v() })
      return null
    })
    const room = open().room('r1')
    await room.join()
    await server.until(() => room.total === 2)
    expect(room.members.map((u) => u.id).sort()).toEqual(['alice', 'dave'])
  })

  it('shows who else is typing', async () => {
    const room = open().room('r1')
    const typers: string[] = []
    room.on('typing', ({ user }) => typers.push(user.id))
    await room.join()
    const bob = open({ token: 'bob' }).room('r1')
    await bob.join()
    bob.typing()
    bob.typing() // throttled
    await server.until(() => typers.length === 1)
    expect(server.frames.filter((f) => f.op === 'typing')).toHaveLength(1)
    expect(typers).toEqual(['bob'])
  })
})

describe('sending', () => {
  it('resolves with the stored message and emits it once although the server echoes it', async () => {
    const room = open().room('r1')
    const seen = record(room)
    await room.join()
    const sent = await room.send({ text: 'hello' })
    expect(sent).toMatchObject({ seq: 1, text: 'hello', user: { id: 'alice' } })
    server.post('r1', 'after')
    await server.until(() => seen.length === 2)
    expect(seen.map((m) => m.text)).toEqual(['hello', 'after'])
  })

  it('queues sends made while disconnected and sends them in order, once, after the rejoin', async () => {
    const client = open()
    const room = client.room('r1')
    const seen = record(room)
    await room.join()
    const hold = gate()
    server.hook('auth', async (_f, _c, next) => {
      await hold.wait
      return next()
    })
    server.last!.terminate()
    await reach(client, 'reconnecting')
    const sends = ['one', 'two', 'three'].map((text) => room.send({ text }))
    hold.release()
    const stored = await Promise.all(sends)
    expect(seqs(stored)).toEqual([1, 2, 3])
    expect(server.log('r1').map((m) => m.text)).toEqual(['one', 'two', 'three'])
    await server.until(() => seen.length === 3)
    expect(seen.map((m) => m.text)).toEqual(['one', 'two', 'three'])
    // The rejoin went out before the queued sends on the new connection.
    const ops = server.frames.map((f) => f.op)
    expect(ops.lastIndexOf('join')).toBeLessThan(ops.indexOf('send'))
  })

  it('retries a send whose reply was lost with the same clientId and emits it once', async () => {
    const room = open().room('r1')
    const seen = record(room)
    await room.join()
    let first = true
    server.hook('send', (_f, conn, next) => {
      const reply = next() // stored and echoed...
      if (!first) return reply
      first = false
      conn.terminate() // ...but the reply is lost with the socket
      return null
    })
    const sent = await room.send({ text: 'once' })
    const sendFrames = server.frames.filter((f) => f.op === 'send')
    expect(sendFrames).toHaveLength(2)
    expect(new Set(sendFrames.map((f) => (f.op === 'send' ? f.clientId : ''))).size).toBe(1)
    expect(server.log('r1')).toHaveLength(1)
    server.post('r1', 'next')
    await server.until(() => seen.some((m) => m.text === 'next'))
    expect(seen.map((m) => m.text)).toEqual(['once', 'next'])
    expect(sent.seq).toBe(1)
  })

  it('resends after the reconnect when the node refuses a send because it is draining', async () => {
    const room = open().room('r1')
    await room.join()
    let draining = true
    server.hook('send', (_f, conn, next) => {
      if (!draining) return next()
      draining = false
      setTimeout(() => conn.close(1001, 'draining'))
      return { error: { code: 'shutting_down', message: 'this node is shutting down; reconnect' } }
    })
    const sent = await room.send({ text: 'survives the drain' })
    expect(sent.text).toBe('survives the drain')
    expect(server.log('r1').map((m) => m.text)).toEqual(['survives the drain'])
    expect(server.authCount).toBe(2)
  })

  it('rejects with typed errors the server returns', async () => {
    const room = open().room('r1')
    await room.join()
    server.hook('send', () => ({ error: { code: 'rate_limited', message: 'slow down' } }))
    const err = await room.send({ text: 'x' }).catch((e: unknown) => e)
    expect(isRoomfulError(err)).toBe(true)
    expect(err).toMatchObject({ code: 'rate_limited', status: 429, retryable: true, message: 'slow down' })
  })

  it('refuses blank and overlong text without a round trip', async () => {
    const room = open().room('r1')
    await room.join()
    await expect(room.send({ text: '   ' })).rejects.toMatchObject({ code: 'bad_request' })
    await expect(room.send({ text: 'x'.repeat(4001) })).rejects.toMatchObject({ code: 'message_too_long' })
    expect(server.frames.filter((f) => f.op === 'send')).toHaveLength(0)
  })

  it('refuses to send before join and rejects pending sends on leave', async () => {
    const room = open().room('r1')
    await expect(room.send({ text: 'x' })).rejects.toMatchObject({ code: 'not_joined' })
    server.hook('join', () => null)
    void room.join().catch(() => {})
    const pending = room.send({ text: 'y' })
    await room.leave()
    await expect(pending).rejects.toMatchObject({ code: 'not_joined' })
  })
})

describe('resume', () => {
  it('rejoins from the last seen seq and emits each message once across the seam', async () => {
    const client = open()
    const room = client.room('r1')
    const seen = record(room)
    await room.join()
    for (const t of ['a', 'b', 'c']) server.post('r1', t)
    await server.until(() => seen.length === 3)
    server.last!.terminate()
    await reach(client, 'reconnecting')
    server.post('r1', 'd') // missed while away
    server.post('r1', 'e')
    server.hook('join', (_f, conn, next) => {
      // Overlap at the seam: live copies of seen and missed messages before and after the reply.
      const [, b, c, d] = server.log('r1')
      for (const m of [b, c, d]) conn.push({ type: 'message', room: 'r1', message: m })
      queueMicrotask(() => conn.push({ type: 'message', room: 'r1', message: server.log('r1')[4] }))
      return next()
    })
    await server.until(() => seen.length === 5)
    server.post('r1', 'f')
    await server.until(() => seen.length === 6)
    expect(seqs(seen)).toEqual([1, 2, 3, 4, 5, 6])
    const joins = server.frames.filter((f) => f.op === 'join')
    expect(joins.map((f) => (f.op === 'join' ? f.sinceSeq : -1))).toEqual([undefined, 3])
  })

  it('retries a rejoin the server refused for now, and gives up on a room that is gone', async () => {
    const client = open()
    const room = client.room('r1')
    const seen = record(room)
    await room.join()
    let refusals = 1
    server.hook('join', (_f, _c, next) =>
      refusals-- > 0 ? { error: { code: 'rate_limited', message: 'slow down' } } : next(),
    )
    server.last!.terminate()
    await reach(client, 'reconnecting')
    const queued = room.send({ text: 'after the retry' })
    expect((await queued).text).toBe('after the retry')
    await server.until(() => seen.length === 1)

    server.hook('join', () => ({ error: { code: 'room_not_found', message: 'deleted' } }))
    server.last!.terminate()
    await reach(client, 'reconnecting')
    const doomed = room.send({ text: 'never' })
    await expect(doomed).rejects.toMatchObject({ code: 'room_not_found' })
    expect(room.joined).toBe(false)
  })

  it('fills a live gap from history', async () => {
    const room = open().room('r1')
    const seen = record(room)
    await room.join()
    server.post('r1', 'one')
    server.post('r1', 'two', { publish: false }) // lost on the way
    server.post('r1', 'three')
    await server.until(() => seen.length === 3)
    expect(seen.map((m) => m.text)).toEqual(['one', 'two', 'three'])
    expect(server.frames.some((f) => f.op === 'history')).toBe(true)
  })

  it('refills from history when the server says the gap is too old to replay', async () => {
    server.maxReplay = 10
    const client = open()
    const room = client.room('r1')
    const seen = record(room)
    await room.join()
    server.post('r1', 'a')
    server.post('r1', 'b')
    await server.until(() => seen.length === 2)
    server.last!.terminate()
    await reach(client, 'reconnecting')
    for (let i = 3; i <= 82; i++) server.post('r1', `m${i}`) // the latest page is 33..82
    await server.until(() => seen.length === 82)
    expect(seqs(seen)).toEqual(range(1, 82))
  })

  it('emits reset instead of refilling a gap larger than maxRefill', async () => {
    server.maxReplay = 10
    const client = open({ maxRefill: 10 })
    const room = client.room('r1')
    const seen = record(room)
    const resets: GapReset[] = []
    room.on('reset', (r) => resets.push(r))
    await room.join()
    server.post('r1', 'a')
    await server.until(() => seen.length === 1)
    server.last!.terminate()
    await reach(client, 'reconnecting')
    for (let i = 2; i <= 81; i++) server.post('r1', `m${i}`) // the latest page is 32..81
    await server.until(() => seen.length === 51)
    expect(resets).toEqual([{ from: 2, to: 31 }])
    expect(seqs(seen)).toEqual([1, ...range(32, 81)])
  })
})

describe('status', () => {
  const track = (room: ReturnType<Client['room']>) => {
    const changes: string[] = []
    room.on('status', (c: RoomStatusChange) => changes.push(`${c.previous}→${c.current}:${c.reason.code}`))
    return changes
  }

  it('reports each change once with a reason: join, a lost connection, the rejoin, leave', async () => {
    const client = open()
    const room = client.room('r1')
    const changes = track(room)
    expect(room.status).toBe('initialized')
    await room.join()
    expect(room.status).toBe('joined')
    server.last!.terminate()
    await reach(client, 'reconnecting')
    expect(room.status).toBe('suspended')
    expect(room.joined).toBe(true)
    await server.until(() => room.status === 'joined')
    await room.leave()
    expect(changes).toEqual([
      'initialized→joining:join',
      'joining→joined:joined',
      'joined→suspended:connection_lost',
      'suspended→joined:joined',
      'joined→leaving:leave',
      'leaving→left:left',
    ])
    expect(room.joined).toBe(false)
  })

  it('fails with the server’s error when the room is refused, and can be joined again', async () => {
    server.hook('join', () => ({ error: { code: 'room_not_found', message: 'no such room' } }))
    const room = open().room('r1')
    const reasons: RoomStatusChange['reason'][] = []
    room.on('status', (c) => reasons.push(c.reason))
    const changes = track(room)
    const err = await room.join().catch((e: unknown) => e)
    expect(changes).toEqual(['initialized→joining:join', 'joining→failed:room_not_found'])
    expect(reasons[1]!.error).toBe(err)
    expect(room.joined).toBe(false)
    server.hook('join', (_f, _c, next) => next())
    await room.join()
    expect(changes.slice(2)).toEqual(['failed→joining:join', 'joining→joined:joined'])
  })
})

describe('the log and the sends a UI renders', () => {
  it('keeps the join page, live messages and older pages in one ordered list', async () => {
    for (let i = 1; i <= 60; i++) server.post('r1', `m${i}`)
    const room = open().room('r1')
    await room.join()
    expect(seqs([...room.messages])).toEqual(range(11, 60))
    expect(room.hasMore).toBe(true)
    server.post('r1', 'live')
    await server.until(() => room.messages.length === 51)
    await room.history({ before: 11, limit: 10 })
    await room.history({ before: 1, limit: 10 })
    expect(seqs([...room.messages])).toEqual(range(1, 61))
    expect(room.hasMore).toBe(false)
  })

  it.each(['echo', 'reply'])(
    'applies your own message once when its %s comes first, and shows it pending until then',
    async (first) => {
      const room = open().room('r1')
      const seen = record(room)
      const pending: PendingSend[][] = []
      room.on('pending', (p) => pending.push([...p]))
      await room.join()
      server.hook('send', (_f, conn, next) => {
        if (first === 'echo') return next()
        // Hold the echo back until the reply is out.
        const push = conn.push
        const echoes: object[] = []
        conn.push = (frame) => echoes.push(frame)
        const reply = next()
        conn.push = push
        setTimeout(() => echoes.forEach(push), 20)
        return reply
      })
      const sending = room.send({ text: 'mine' })
      const [queued] = room.pending
      expect(queued).toMatchObject({ text: 'mine', state: 'pending' })
      const sent = await sending
      server.post('r1', 'after')
      await server.until(() => seen.length === 2)
      await new Promise((resolve) => setTimeout(resolve, 40))
      expect(seen.map((m) => m.text)).toEqual(['mine', 'after'])
      expect(room.messages.filter((m) => m.clientId === queued!.clientId)).toEqual([sent])
      expect(pending.map((p) => p.map((x) => x.clientId))).toEqual([[queued!.clientId], []])
      expect(room.pending).toEqual([])
    },
  )

  it('lists a refused send as failed with its error until it is discarded', async () => {
    const room = open().room('r1')
    await room.join()
    server.hook('send', () => ({ error: { code: 'rate_limited', message: 'slow down' } }))
    await expect(room.send({ text: 'too fast' })).rejects.toMatchObject({ code: 'rate_limited' })
    expect(room.pending).toMatchObject([
      { text: 'too fast', state: 'failed', error: { code: 'rate_limited' } },
    ])
    room.discard(room.pending[0]!.clientId)
    expect(room.pending).toEqual([])
  })
})

describe('feeds', () => {
  it('delivers the ranking board and resubscribes after a reconnect', async () => {
    const client = open()
    const boards: string[] = []
    const off = client.ranking.subscribe((b) => boards.push(b.entries.map((e) => e.name).join(',')))
    await server.until(() => boards.length === 1)
    server.last!.push({
      type: 'ranking',
      board: { entries: [{ roomId: 'r1', name: 'One', occupancy: 2, lastActivityAt: null }], updatedAt: '' },
    })
    await server.until(() => boards.length === 2)
    server.last!.terminate()
    await server.until(() => server.frames.filter((f) => f.op === 'ranking.subscribe').length === 2)
    await server.until(() => boards.length === 3)
    expect(boards).toEqual(['', 'One', ''])
    off()
    await server.until(() => server.frames.some((f) => f.op === 'ranking.unsubscribe'))
  })

  it('routes lobby events to watchers and resubscribes after a reconnect', async () => {
    const client = open()
    const events: string[] = []
    client.rooms.watch((e) =>
      events.push(e.type === 'occupancy' ? `${e.room}=${e.occupancy}` : `new ${e.room.id}`),
    )
    await server.until(() => server.frames.some((f) => f.op === 'rooms.subscribe'))
    server.last!.push({ type: 'occupancy', room: 'r1', occupancy: 3, version: 1 })
    await server.until(() => events.length === 1)
    server.last!.terminate()
    await server.until(() => server.frames.filter((f) => f.op === 'rooms.subscribe').length === 2)
    await reach(client, 'connected')
    server.last!.push({
      type: 'room.created',
      room: {
        id: 'r9',
        name: 'Nine',
        topic: null,
        createdAt: '',
        createdBy: 'x',
        occupancy: 0,
        lastSeq: 0,
        slowModeSeconds: 0,
        readOnly: false,
        archived: false,
      },
    })
    await server.until(() => events.length === 2)
    expect(events).toEqual(['r1=3', 'new r9'])
  })

  it('says when the lobby feed is live, each time it is subscribed again, so a list is fetched after it', async () => {
    const client = open()
    const subscribe = gate()
    server.hook('rooms.subscribe', async (_frame, _conn, next) => {
      await subscribe.wait
      return next()
    })
    const lives: string[] = []
    client.rooms.watch(() => {}, { onLive: () => lives.push('first') })
    await server.until(() => server.frames.some((f) => f.op === 'rooms.subscribe'))
    // Connected, and the request is out, but the server has not confirmed it yet.
    await reach(client, 'connected')
    expect(lives).toEqual([])
    subscribe.release()
    await server.until(() => lives.length === 1)
    // A second watcher of a feed that is already live hears so at once.
    client.rooms.watch(() => {}, { onLive: () => lives.push('second') })
    expect(lives).toEqual(['first', 'second'])
    server.last!.terminate()
    await server.until(() => lives.length === 4)
    expect(lives.slice(2).sort()).toEqual(['first', 'second'])
    expect(server.frames.filter((f) => f.op === 'rooms.subscribe')).toHaveLength(2)
  })
})
