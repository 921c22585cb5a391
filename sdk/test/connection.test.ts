import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { CLOSE, DEFAULT_LIMITS, isRoomfulError, type Client, type StateChange } from '../src/index.js'
import { connectTo, reach, sleep } from './support/client.js'
import { startFakeServer, type FakeServer } from './support/fake-server.js'

let server: FakeServer
let client: Client | undefined
beforeEach(async () => {
  server = await startFakeServer()
})
afterEach(async () => {
  client?.close()
  client = undefined
  vi.unstubAllGlobals()
  await server.stop()
})

const transitions = (changes: StateChange[]) => changes.map((c) => `${c.previous}→${c.current}`)

describe('connection state machine', () => {
  it('reports every transition once, with a reason, through connect, drop, reconnect and close', async () => {
    client = connectTo(server)
    const changes: StateChange[] = []
    client.on('state', (c) => changes.push(c))
    client.connect()
    await reach(client, 'connected')
    expect(client.user?.id).toBe('alice')
    server.last!.close(CLOSE.goingAway, 'node draining')
    await reach(client, 'reconnecting')
    await reach(client, 'connected')
    client.close()
    expect(transitions(changes)).toEqual([
      'disconnected→connecting',
      'connecting→connected',
      'connected→reconnecting',
      'reconnecting→connected',
      'connected→closed',
    ])
    expect(changes[2]!.reason).toMatchObject({ code: 1001, message: 'node draining' })
    expect(changes[4]!.reason.code).toBe(1000)
    expect(server.authCount).toBe(2)
  })

  it.each([CLOSE.authFailed, CLOSE.forbidden, CLOSE.appDisabled, CLOSE.originNotAllowed, CLOSE.policy])(
    'does not reconnect after close code %i',
    async (code) => {
      client = connectTo(server)
      client.connect()
      await reach(client, 'connected')
      server.last!.close(code, 'go away')
      await reach(client, 'disconnected')
      await sleep(100) // many backoff windows (5..20 ms) pass: nothing may happen
      expect(client.state).toBe('disconnected')
      expect(server.authCount).toBe(1)
    },
  )

  it('keeps reconnecting after an abrupt drop, with reconnect codes, and after 1009', async () => {
    client = connectTo(server)
    client.connect()
    await reach(client, 'connected')
    server.last!.terminate()
    await server.until(() => server.authCount === 2 && client!.state === 'connected')
    server.last!.close(CLOSE.flood)
    await server.until(() => server.authCount === 3 && client!.state === 'connected')
    server.last!.close(CLOSE.tooBig)
    await server.until(() => server.authCount === 4 && client!.state === 'connected')
  })

  it('reconnects at once after 4103 (lagging), where other reconnect codes wait out a backoff', async () => {
    // Backoff after a server's answer is at least 250 ms with these options; 4103 skips it.
    client = connectTo(server, { backoff: { min: 5_000, max: 20_000 } })
    client.connect()
    await reach(client, 'connected')
    const reconnectAfter = async (code: number) => {
      const before = server.authCount
      const started = performance.now()
      server.last!.close(code, 'test')
      await server.until(() => server.authCount === before + 1 && client!.state === 'connected')
      return performance.now() - started
    }
    const lagging = await reconnectAfter(CLOSE.lagging)
    const flood = await reconnectAfter(CLOSE.flood)
    expect(flood).toBeGreaterThanOrEqual(250)
    expect(lagging).toBeLessThan(flood)
    expect(lagging).toBeLessThan(250)
  })

  it('stops instead of reconnecting when the server refused a binary frame with 1003', async () => {
    client = connectTo(server)
    const changes: StateChange[] = []
    client.on('state', (c) => changes.push(c))
    client.connect()
    await reach(client, 'connected')
    server.last!.close(CLOSE.unsupportedData, 'binary frames are not supported; send JSON text')
    await reach(client, 'disconnected')
    await sleep(300)
    expect(server.authCount).toBe(1)
    expect(changes.at(-1)).toMatchObject({ current: 'disconnected', reason: { code: 1003 } })
  })

  it('stops with the auth error when the token is refused, and rejects what waited with it', async () => {
    client = connectTo(server, { token: 'bad-token' })
    const join = client.room('r1').join()
    const err = await join.catch((e: unknown) => e)
    expect(isRoomfulError(err) && err.code).toBe('token_invalid')
    expect(client.state).toBe('disconnected')
  })

  it('fetches a fresh token with getToken when the server closes with 4100', async () => {
    let n = 0
    const getToken = vi.fn(async () => `alice.${++n}`)
    client = connectTo(server, { token: undefined, getToken })
    client.connect()
    await reach(client, 'connected')
    server.last!.close(CLOSE.tokenExpired, 'token expired')
    await server.until(() => server.authCount === 2 && client!.state === 'connected')
    const tokens = server.frames.filter((f) => f.op === 'auth').map((f) => (f.op === 'auth' ? f.token : ''))
    expect(tokens).toEqual(['alice.1', 'alice.2'])
    expect(getToken).toHaveBeenCalledTimes(2)
  })

  it('fetches a fresh token when the auth reply says token_expired', async () => {
    const getToken = vi.fn().mockResolvedValueOnce('expired.1').mockResolvedValue('alice.2')
    client = connectTo(server, { token: undefined, getToken })
    client.connect()
    await reach(client, 'connected')
    expect(getToken).toHaveBeenCalledTimes(2)
    expect(client.user?.id).toBe('alice')
  })

  it('gives up on 4100 when it has no way to get a fresh token', async () => {
    client = connectTo(server, { token: 'alice' })
    client.connect()
    await reach(client, 'connected')
    const reasons: number[] = []
    client.on('state', (c) => reasons.push(c.reason.code))
    server.last!.close(CLOSE.tokenExpired)
    await reach(client, 'disconnected')
    expect(reasons).toEqual([4100])
  })

  it('exposes the app’s limits from the auth reply, and checks sends against them', async () => {
    server.hook('auth', (_f, _c, next) => {
      const reply = next()
      return reply && 'result' in reply
        ? { result: { ...(reply.result as object), limits: { ...DEFAULT_LIMITS, maxMessageLength: 10 } } }
        : reply
    })
    client = connectTo(server)
    expect(client.limits).toEqual(DEFAULT_LIMITS)
    const room = client.room('r1')
    await room.join()
    expect(client.limits.maxMessageLength).toBe(10)
    await expect(room.send({ text: 'x'.repeat(11) })).rejects.toMatchObject({ code: 'message_too_long' })
  })

  it('connects as a guest when it has no credentials', async () => {
    client = connectTo(server, { token: undefined })
    client.connect()
    await reach(client, 'connected')
    expect(client.user).toMatchObject({ id: 'guest', guest: true })
  })

  it('waits for the browser to come back online before reconnecting', async () => {
    const target = new EventTarget()
    const nav = { onLine: true }
    vi.stubGlobal('navigator', nav)
    vi.stubGlobal('addEventListener', target.addEventListener.bind(target))
    client = connectTo(server)
    client.connect()
    await reach(client, 'connected')
    nav.onLine = false
    server.last!.terminate()
    await reach(client, 'reconnecting')
    await sleep(100)
    expect(server.authCount).toBe(1)
    nav.onLine = true
    target.dispatchEvent(new Event('online'))
    await reach(client, 'connected')
    expect(server.authCount).toBe(2)
  })

  it('notices a socket that stopped answering pings and reconnects', async () => {
    let silent = true
    server.hook('ping', (_f, _c, next) => (silent ? null : next()))
    client = connectTo(server, { pingInterval: 20, timeout: 50 })
    const reasons: string[] = []
    client.on('state', (c) => reasons.push(`${c.current}:${c.reason.message}`))
    client.connect()
    await reach(client, 'connected')
    await reach(client, 'reconnecting')
    silent = false
    await reach(client, 'connected')
    expect(reasons).toEqual([
      'connecting:connect requested',
      'connected:connected',
      'reconnecting:no pong',
      'connected:connected',
    ])
  })

  it('rejects a request that gets no reply with a timeout error', async () => {
    client = connectTo(server, { timeout: 50 })
    server.hook('history', () => null)
    const room = client.room('r1')
    await room.join()
    const err = await room.history().catch((e: unknown) => e)
    expect(isRoomfulError(err) && err.code).toBe('timeout')
  })

  it('rejects pending requests with disconnected when closed', async () => {
    client = connectTo(server)
    server.hook('history', () => null)
    const room = client.room('r1')
    await room.join()
    const pending = room.history()
    client.close()
    await expect(pending).rejects.toMatchObject({ code: 'disconnected' })
    await expect(room.history()).rejects.toMatchObject({ code: 'disconnected' })
  })
})
