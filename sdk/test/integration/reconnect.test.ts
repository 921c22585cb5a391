import { randomBytes } from 'node:crypto'
import {
  createClient,
  type Client,
  type ClientOptions,
  type Message,
  type RankingBoard,
  type Room,
  type WebSocketConstructor,
} from '@roomful/sdk'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { modesToTest } from '../../../backend/test/support/modes.js'
import { startTestServer, TEST_LIMITS, type TestServer } from '../../../backend/test/support/test-server.js'
import { cuttableProxy, type CuttableProxy } from './support/proxy.js'

// The SDK against the real backend (HyperExpress + uWS on a loopback port, embedded drivers,
// and MariaDB + Redis when they answer), with a TCP proxy in front of the client that gets cut off.

/** Generous: a wait that hits this is a failure, not a slow machine. */
const eventually = { timeout: 15_000, interval: 25 }
/** Keep-alive for the client whose network pauses: it notices in about two seconds. */
const fastPing = { pingInterval: 400, timeout: 1_500 }

const texts = (messages: Message[]) => messages.filter((m) => m.kind === 'text').map((m) => m.text)
const seqs = (messages: Message[]) => messages.map((m) => m.seq)
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** `ws`, noting the op of every frame the client sends into `ops`. */
function spying(ops: string[]): WebSocketConstructor {
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols)
      const send = this.send.bind(this)
      this.send = ((data: string) => {
        ops.push((JSON.parse(data) as { op: string }).op)
        send(data)
      }) as typeof this.send
    }
  }
}

/** Everything `room` emits as `message`, in emission order. */
function record(room: Room): Message[] {
  const seen: Message[] = []
  room.on('message', (m) => seen.push(m))
  return seen
}

/** The room's whole log from the server, oldest first, paging back through history. */
async function fullHistory(room: Room): Promise<Message[]> {
  const pages: Message[][] = []
  let before: number | undefined
  for (;;) {
    const page = await room.history({ limit: 100, ...(before !== undefined && { before }) })
    pages.unshift(page.messages)
    if (!page.hasMore || !page.messages.length) break
    before = page.messages[0]!.seq
  }
  return pages.flat()
}

const modes = await modesToTest()

describe.each(modes)('the SDK against the real backend (%s mode)', (mode) => {
  let server: TestServer
  const clients: Client[] = []
  const proxies: CuttableProxy[] = []

  beforeAll(async () => {
    server = await startTestServer(mode)
  }, 30_000)
  afterAll(async () => {
    await server?.stop()
  })
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close()
    await Promise.all(proxies.splice(0).map((p) => p.close()))
  })

  const connect = async (sub: string, options: Partial<ClientOptions> = {}) => {
    const client = createClient({
      url: server.url,
      appId: server.app.id,
      token: await server.token(sub, sub[0]!.toUpperCase() + sub.slice(1)),
      WebSocket,
      backoff: { min: 20, max: 200 },
      ...options,
    })
    clients.push(client)
    return client
  }
  const behindProxy = async (sub: string, options: Partial<ClientOptions> = {}) => {
    const proxy = await cuttableProxy(server.url)
    proxies.push(proxy)
    return { proxy, client: await connect(sub, { url: proxy.url, ...fastPing, ...options }) }
  }
  const newRoom = async (client: Client, label: string) =>
    client.rooms.create({ name: `${label} ${randomBytes(3).toString('hex')}` })
  /** Alice and Bob both in a fresh room, each recording what their room emits; `start` is the
   * first seq Bob gets live rather than in his join page. */
  const bothJoin = async (alice: Client, bob: Client, label: string) => {
    const { id } = await newRoom(alice, label)
    const aliceRoom = alice.room(id)
    const bobRoom = bob.room(id)
    const aliceSaw = record(aliceRoom)
    const bobSaw = record(bobRoom)
    await aliceRoom.join()
    const { messages: page, room: joined } = await bobRoom.join()
    return { id, aliceRoom, bobRoom, aliceSaw, bobSaw, start: (page.at(-1)?.seq ?? joined.lastSeq) + 1 }
  }
  const stateOf = (client: Client) => {
    const states: string[] = []
    client.on('state', ({ current }) => states.push(current))
    return states
  }

  it('lets two clients chat: each sees both messages once, in order, and history agrees', async () => {
    const alice = await connect('alice')
    const bob = await connect('bob')
    const { id } = await newRoom(alice, 'chat')
    const aliceRoom = alice.room(id)
    const bobRoom = bob.room(id)
    const aliceSaw = record(aliceRoom)
    const bobSaw = record(bobRoom)
    await aliceRoom.join()
    const { messages: page } = await bobRoom.join()
    expect(bobRoom.members.map((u) => u.name).sort()).toEqual(['Alice', 'Bob'])

    const hello = await aliceRoom.send({ text: 'hi Bob' })
    const reply = await bobRoom.send({ text: 'hi Alice' })
    expect(hello.user.name).toBe('Alice')
    expect(reply.seq).toBeGreaterThan(hello.seq)

    await vi.waitFor(() => expect(texts(bobSaw)).toEqual(['hi Bob', 'hi Alice']), eventually)
    await vi.waitFor(() => expect(texts(aliceSaw)).toEqual(['hi Bob', 'hi Alice']), eventually)
    const after = seqs(bobSaw).filter((s) => s > (page.at(-1)?.seq ?? 0))
    expect(after).toEqual(range(after[0]!, reply.seq))
    const log = await fullHistory(bobRoom)
    expect(texts(log)).toEqual(['hi Bob', 'hi Alice'])
    expect(log.find((m) => m.text === 'hi Alice')).toEqual(reply)
  })

  describe.each([
    ['a server-side socket close', 'drop', 12],
    ['a server-side socket close, missing more than the server replays', 'drop', 55],
    ['a paused network, noticed by its keep-alive only', 'pause', 12],
    ['a network that loses everything, its first reconnect attempt included', 'blackhole', 12],
  ] as const)('a client cut off by %s', (_name, cut, missed) => {
    it(`comes back and shows each of the ${missed} messages it missed once, in order; its sends go out once`, async () => {
      const alice = await connect('alice')
      const ops: string[] = []
      const { proxy, client: bob } = await behindProxy('bob', { WebSocket: spying(ops) })
      const bobStates = stateOf(bob)
      const { aliceRoom, bobRoom, aliceSaw, bobSaw, start } = await bothJoin(alice, bob, cut)
      await aliceRoom.send({ text: 'before the cut' })
      await vi.waitFor(() => expect(texts(bobSaw)).toEqual(['before the cut']), eventually)

      // A send in flight as the connection goes: its reply never comes back on that socket.
      let inFlight: Promise<Message>
      if (cut !== 'drop') {
        proxy[cut]()
        // Let a keep-alive ping go out on the paused socket first, so that the ping (not this
        // send's own timeout) is what gives the socket up.
        await sleep(fastPing.pingInterval * 1.5)
        inFlight = bobRoom.send({ text: 'Bob sent this as the network paused' })
      } else {
        inFlight = bobRoom.send({ text: 'Bob sent this as the network paused' })
        proxy.drop()
      }
      // Only the SDK's own keep-alive can notice a paused network.
      await vi.waitFor(() => expect(bob.state).toBe('reconnecting'), eventually)

      const missedTexts = range(1, missed).map((i) => `while Bob was away #${i}`)
      for (const text of missedTexts) await aliceRoom.send({ text })
      const offline = bobRoom.send({ text: 'Bob typed this while cut off' })
      const settled = [false, false]
      ;[inFlight, offline].forEach((p, i) => void p.then(() => (settled[i] = true)).catch(() => {}))
      // Nothing gets through while the network is down: the sends wait.
      await sleep(300)
      expect(bob.state).not.toBe('connected')
      expect(settled).toEqual([false, false])
      expect(texts(bobSaw)).toEqual(['before the cut'])
      ops.length = 0

      proxy.restore()
      const [first, second] = await Promise.all([inFlight, offline])
      await aliceRoom.send({ text: 'after Bob came back' })

      const expected = [
        'before the cut',
        ...missedTexts,
        'Bob sent this as the network paused',
        'Bob typed this while cut off',
        'after Bob came back',
      ]
      await vi.waitFor(() => expect(texts(bobSaw)).toEqual(expected), eventually)
      await vi.waitFor(() => expect(texts(aliceSaw)).toEqual(expected), eventually)
      expect(bobStates).toContain('reconnecting')
      expect(bob.state).toBe('connected')
      // Past the server's replay window the resume gap is refilled from history.
      if (missed > TEST_LIMITS.maxReplay) expect(ops).toContain('history')

      // Every entry of the log after Bob's join page, exactly once and in seq order, no gaps,
      // notices included; the same entries as history and as Alice saw them.
      const log = await fullHistory(bobRoom)
      const last = log.at(-1)!.seq
      await vi.waitFor(() => expect(bobSaw.at(-1)?.seq).toBeGreaterThanOrEqual(last), eventually)
      await vi.waitFor(() => expect(aliceSaw.at(-1)?.seq).toBeGreaterThanOrEqual(last), eventually)
      const upTo = (messages: Message[]) => messages.filter((m) => m.seq >= start && m.seq <= last)
      expect(seqs(upTo(bobSaw))).toEqual(range(start, last))
      expect(bobSaw[0]!.seq).toBe(start)
      expect(upTo(bobSaw)).toEqual(upTo(log))
      expect(upTo(aliceSaw)).toEqual(upTo(log))

      // Bob's sends: each resolved with the stored message, stored and shown exactly once.
      for (const sent of [first, second]) {
        expect(sent.user.id).toBe(bob.user!.id)
        expect(log.filter((m) => m.text === sent.text)).toEqual([sent])
        expect(bobSaw.filter((m) => m.text === sent.text)).toEqual([sent])
        expect(aliceSaw.filter((m) => m.text === sent.text)).toEqual([sent])
      }
    })
  })

  it('keeps every message exactly once through a flapping connection while both sides keep sending', async () => {
    const alice = await connect('alice')
    const { proxy, client: bob } = await behindProxy('bob')
    const { aliceRoom, bobRoom, aliceSaw, bobSaw, start } = await bothJoin(alice, bob, 'flapping')

    // Alice sends steadily, Bob fires sends without waiting; meanwhile Bob's connection is
    // dropped four times, each time just long enough for him to notice and start reconnecting.
    const fromAlice = range(1, 60).map((i) => `Alice #${i}`)
    const fromBob = range(1, 12).map((i) => `Bob #${i}`)
    const aliceDone = (async () => {
      for (const text of fromAlice) {
        await aliceRoom.send({ text })
        await sleep(10)
      }
    })()
    const bobSends: Promise<Message>[] = []
    const bobDone = (async () => {
      for (const text of fromBob) {
        bobSends.push(bobRoom.send({ text }))
        await sleep(45)
      }
    })()
    let drops = 0
    const flapping = (async () => {
      for (let i = 0; i < 4; i++) {
        await sleep(90)
        proxy.drop()
        drops++
        await sleep(40)
        proxy.restore()
        await vi.waitFor(() => expect(bob.state).toBe('connected'), eventually)
      }
    })()
    await Promise.all([aliceDone, bobDone, flapping])
    const bobSent = await Promise.all(bobSends)
    expect(drops).toBe(4)

    const log = await fullHistory(bobRoom)
    const last = log.at(-1)!.seq
    await vi.waitFor(() => expect(bobSaw.at(-1)?.seq).toBeGreaterThanOrEqual(last), eventually)
    await vi.waitFor(() => expect(aliceSaw.at(-1)?.seq).toBeGreaterThanOrEqual(last), eventually)
    const upTo = (messages: Message[]) => messages.filter((m) => m.seq >= start && m.seq <= last)
    expect(seqs(upTo(bobSaw))).toEqual(range(start, last))
    expect(upTo(bobSaw)).toEqual(upTo(log))
    expect(upTo(aliceSaw)).toEqual(upTo(log))
    // Each side's messages once each, in the order they were sent.
    const by = (name: string) => texts(upTo(bobSaw)).filter((t) => t.startsWith(name))
    expect(by('Alice')).toEqual(fromAlice)
    expect(by('Bob')).toEqual(fromBob)
    expect(bobSent.map((m) => m.text)).toEqual(fromBob)
    for (const sent of bobSent) expect(log.filter((m) => m.clientId === sent.clientId)).toEqual([sent])
  })

  it('resumes every room on the connection, each gap-free, after a drop', async () => {
    const alice = await connect('alice')
    const { proxy, client: bob } = await behindProxy('bob')
    const ids = [(await newRoom(alice, 'first')).id, (await newRoom(alice, 'second')).id]
    const starts: number[] = []
    const bobSaw = ids.map((id) => record(bob.room(id)))
    for (const id of ids) {
      await alice.room(id).join()
      const { messages, room } = await bob.room(id).join()
      starts.push((messages.at(-1)?.seq ?? room.lastSeq) + 1)
    }

    proxy.drop()
    await vi.waitFor(() => expect(bob.state).toBe('reconnecting'), eventually)
    for (const i of range(1, 8)) for (const id of ids) await alice.room(id).send({ text: `${id} #${i}` })
    proxy.restore()

    for (const [k, id] of ids.entries()) {
      const expected = range(1, 8).map((i) => `${id} #${i}`)
      await vi.waitFor(() => expect(texts(bobSaw[k]!)).toEqual(expected), eventually)
      const log = (await fullHistory(bob.room(id))).filter((m) => m.seq >= starts[k]!)
      const seen = bobSaw[k]!.filter((m) => m.seq <= log.at(-1)!.seq)
      expect(seqs(seen)).toEqual(range(starts[k]!, log.at(-1)!.seq))
      expect(seen).toEqual(log)
    }
  })

  it('opens a room whose join was in flight when the connection dropped, and shows its log once', async () => {
    const alice = await connect('alice')
    const { proxy, client: bob } = await behindProxy('bob')
    const { id } = await newRoom(alice, 'joining')
    const aliceRoom = alice.room(id)
    await aliceRoom.join()
    for (const i of range(1, 3)) await aliceRoom.send({ text: `earlier #${i}` })
    bob.connect()
    await vi.waitFor(() => expect(bob.state).toBe('connected'), eventually)

    const bobRoom = bob.room(id)
    const bobSaw = record(bobRoom)
    const joining = bobRoom.join()
    proxy.drop()
    for (const i of range(1, 3)) await aliceRoom.send({ text: `meanwhile #${i}` })
    proxy.restore()
    const { messages: page } = await joining
    await aliceRoom.send({ text: 'after the join' })

    // What the user sees: the join page, then the live messages, each entry once, in order.
    await vi.waitFor(() => expect(texts(bobSaw).at(-1)).toBe('after the join'), eventually)
    const shown = [...page, ...bobSaw]
    const log = await fullHistory(bobRoom)
    expect(shown.at(-1)!.seq).toBe(log.at(-1)!.seq)
    expect(shown).toEqual(log.slice(log.length - shown.length))
    expect(texts(shown)).toEqual(texts(log))
  })

  it('says which messages it skipped when the gap is too large to refill, and continues after them', async () => {
    const alice = await connect('alice')
    const { proxy, client: bob } = await behindProxy('bob', { maxRefill: 3 })
    const { aliceRoom, bobRoom, bobSaw, start } = await bothJoin(alice, bob, 'reset')
    const resets: Array<{ from: number; to: number }> = []
    bobRoom.on('reset', (r) => resets.push(r))

    proxy.drop()
    await vi.waitFor(() => expect(bob.state).toBe('reconnecting'), eventually)
    const missed = range(1, TEST_LIMITS.maxReplay + 30).map((i) => `missed #${i}`)
    for (const text of missed) await aliceRoom.send({ text })
    proxy.restore()
    await aliceRoom.send({ text: 'after the reset' })

    await vi.waitFor(() => expect(texts(bobSaw).at(-1)).toBe('after the reset'), eventually)
    expect(resets).toHaveLength(1)
    const [{ from, to }] = resets as [{ from: number; to: number }]
    expect(from).toBe(start)
    expect(to - from + 1).toBeGreaterThan(3)
    const log = await fullHistory(bobRoom)
    const last = log.at(-1)!.seq
    // Nothing from the skipped range is shown; everything after it is, once, in order.
    const seen = bobSaw.filter((m) => m.seq <= last)
    expect(seqs(seen)).toEqual(range(to + 1, last))
    expect(seen).toEqual(log.filter((m) => m.seq > to))
    expect(texts(seen).at(-1)).toBe('after the reset')
  })

  it('keeps the live ranking current across a drop: the board shows what changed meanwhile', async () => {
    const alice = await connect('alice')
    const carol = await connect('carol')
    const { proxy, client: bob } = await behindProxy('bob')
    const { id } = await newRoom(alice, 'ranked while away')
    let board: RankingBoard | undefined
    bob.ranking.subscribe((b) => (board = b))
    const occupancy = () => board?.entries.find((e) => e.roomId === id)?.occupancy ?? 0
    await alice.room(id).join()
    await vi.waitFor(() => expect(occupancy()).toBe(1), eventually)

    proxy.drop()
    await vi.waitFor(() => expect(bob.state).toBe('reconnecting'), eventually)
    await carol.room(id).join()
    // Give the ranking time to publish the change Bob is missing.
    await sleep(500)
    expect(occupancy()).toBe(1)
    proxy.restore()
    await vi.waitFor(() => expect(occupancy()).toBe(2), eventually)
  })

  it('signs up a hosted account, then joins and chats as it', async () => {
    const alice = await connect('alice')
    const { id } = await newRoom(alice, 'hosted')
    const aliceRoom = alice.room(id)
    const aliceSaw = record(aliceRoom)
    await aliceRoom.join()

    const carol = createClient({ url: server.url, appId: server.app.id, WebSocket })
    clients.push(carol)
    const email = `carol-${randomBytes(4).toString('hex')}@example.com`
    const session = await carol.auth.signup({
      email,
      password: 'correct horse battery',
      displayName: 'Carol',
    })
    expect(session.user.name).toBe('Carol')
    const carolRoom = carol.room(id)
    await carolRoom.join()
    expect(carol.user).toMatchObject({ name: 'Carol', guest: false })
    const sent = await carolRoom.send({ text: 'hello from a hosted account' })
    expect(sent.user.name).toBe('Carol')

    await vi.waitFor(() => expect(texts(aliceSaw)).toEqual(['hello from a hosted account']), eventually)
    expect(aliceSaw.find((m) => m.kind === 'text')).toEqual(sent)
    expect(texts(await fullHistory(aliceRoom))).toEqual(['hello from a hosted account'])
  })

  it('shows the occupancy change in the live ranking when a second client joins', async () => {
    const alice = await connect('alice')
    const bob = await connect('bob')
    const { id } = await newRoom(alice, 'ranked')
    let board: RankingBoard | undefined
    alice.ranking.subscribe((b) => (board = b))
    const occupancy = () => board?.entries.find((e) => e.roomId === id)?.occupancy ?? 0

    await alice.room(id).join()
    await vi.waitFor(() => expect(occupancy()).toBe(1), eventually)
    await bob.room(id).join()
    await vi.waitFor(() => expect(occupancy()).toBe(2), eventually)
    bob.close()
    await vi.waitFor(() => expect(occupancy()).toBe(1), eventually)
  })
})
