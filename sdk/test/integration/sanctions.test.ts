import { randomBytes } from 'node:crypto'
import {
  CLOSE,
  createClient,
  type Client,
  type ClientOptions,
  type Sanction,
  type StateChange,
  type WebSocketConstructor,
} from '@roomful/sdk'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { modesToTest } from '../../../backend/test/support/modes.js'
import { startTestServer, type TestServer } from '../../../backend/test/support/test-server.js'
import { mintUserToken } from '../../../backend/test/support/tokens.js'

// client.moderation and what a sanctioned client goes through, against the real backend.

const eventually = { timeout: 10_000, interval: 25 }
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** `ws`, counting the sockets a client opens. */
function counting(): { WebSocket: WebSocketConstructor; opened: () => number } {
  let opened = 0
  return {
    WebSocket: class extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols)
        opened++
      }
    },
    opened: () => opened,
  }
}

describe.each(await modesToTest())('moderation through the SDK (%s mode)', (mode) => {
  let server: TestServer
  const clients: Client[] = []
  beforeAll(async () => {
    server = await startTestServer(mode)
  }, 30_000)
  afterAll(async () => server?.stop())
  afterEach(() => {
    for (const client of clients.splice(0)) client.close()
  })

  const connect = async (sub: string, options: Partial<ClientOptions> & { role?: string } = {}) => {
    const { role, ...rest } = options
    const client = createClient({
      url: server.url,
      appId: server.app.id,
      token: await mintUserToken(server.app.id, server.app.secret, { sub, role }),
      WebSocket,
      backoff: { min: 20, max: 100 },
      ...rest,
    })
    clients.push(client)
    return client
  }
  const newRoom = (client: Client) => client.rooms.create({ name: `mod ${randomBytes(3).toString('hex')}` })

  it('an app-wide ban: the client hears it, ends `closed` with 4007 / banned, never reconnects; a new client is refused until the ban is lifted', async () => {
    const mod = await connect('mod', { role: 'moderator' })
    const sockets = counting()
    const user = await connect('spammer', { WebSocket: sockets.WebSocket })
    const { id } = await newRoom(mod)
    const room = user.room(id)
    await room.join()
    const heard: Sanction[] = []
    user.on('sanctioned', (s) => heard.push(s))
    const states: StateChange[] = []
    user.on('state', (change) => states.push(change))

    await mod.room(id).join()
    expect(mod.user?.moderator).toBe(true)
    const ban = await mod.moderation.ban({ userId: 'spammer', durationSeconds: 600, reason: 'spam' })
    expect(ban).toMatchObject({
      kind: 'ban',
      userId: 'spammer',
      roomId: null,
      reason: 'spam',
      createdBy: 'mod',
    })

    await vi.waitFor(() => expect(user.state).toBe('closed'), eventually)
    expect(states.at(-1)).toMatchObject({
      previous: 'connected',
      current: 'closed',
      reason: { code: CLOSE.banned, error: { code: 'banned' } },
    })
    expect(heard).toEqual([ban])
    expect(user.sanction).toEqual(ban)
    expect(room.status).toBe('failed')
    await expect(room.send({ text: 'still here?' })).rejects.toMatchObject({ code: 'not_joined' })
    await sleep(500)
    expect(sockets.opened()).toBe(1)

    // Reloading the page does not help: the new client is told why, then closed.
    const again = await connect('spammer')
    await expect(again.room(id).join()).rejects.toMatchObject({ code: 'banned' })
    expect(again.state).toBe('closed')
    expect(again.sanction).toMatchObject({ reason: 'spam', expiresAt: ban.expiresAt })
    expect(await mod.moderation.sanctions({ kind: 'ban' })).toEqual([ban])

    await mod.moderation.unban({ userId: 'spammer' })
    expect(await mod.moderation.sanctions()).toEqual([])
    const back = await connect('spammer')
    await back.room(id).join()
    expect(back.state).toBe('connected')

    // Both actions are in the audit log, newest first, a page at a time.
    const first = await mod.moderation.audit({ limit: 1 })
    expect(first.items.map((e) => [e.action, e.actor, e.targetUserId])).toEqual([
      ['user.unban', 'mod', 'spammer'],
    ])
    const next = await mod.moderation.audit({ limit: 1, cursor: first.nextCursor })
    expect(next.items).toMatchObject([
      { action: 'user.ban', reason: 'spam', details: { expiresAt: ban.expiresAt } },
    ])
  })

  it('a room ban fails that room with `banned` and its join is refused; a mute refuses sends with `muted`', async () => {
    const mod = await connect('mod2', { role: 'moderator' })
    const user = await connect('chatty')
    const [banned, muted] = [await newRoom(mod), await newRoom(mod)]
    const bannedRoom = user.room(banned.id)
    const mutedRoom = user.room(muted.id)
    await bannedRoom.join()
    await mutedRoom.join()
    const roomHeard: Sanction[] = []
    bannedRoom.on('sanctioned', (s) => roomHeard.push(s))

    const ban = await mod.moderation.ban({ userId: 'chatty', roomId: banned.id })
    await vi.waitFor(() => expect(bannedRoom.status).toBe('failed'), eventually)
    expect(roomHeard).toEqual([ban])
    await expect(bannedRoom.join()).rejects.toMatchObject({ code: 'banned' })
    expect(user.state).toBe('connected')
    expect(user.sanction).toBeNull()

    const mute = await mod.moderation.mute({ userId: 'chatty', roomId: muted.id, reason: 'flood' })
    await vi.waitFor(() => expect(mutedRoom.status).toBe('joined'), eventually)
    await expect(mutedRoom.send({ text: 'hello?' })).rejects.toMatchObject({ code: 'muted' })
    expect(await mod.moderation.sanctions({ roomId: muted.id })).toEqual([mute])
    await mod.moderation.unmute({ userId: 'chatty', roomId: muted.id })
    expect((await mutedRoom.send({ text: 'hello again' })).text).toBe('hello again')
  })

  it('a plain user’s client.moderation calls reject with `forbidden`', async () => {
    const plain = await connect('plain')
    await expect(plain.moderation.ban({ userId: 'someone' })).rejects.toMatchObject({ code: 'forbidden' })
    await expect(plain.moderation.sanctions()).rejects.toMatchObject({ code: 'forbidden' })
    await expect(plain.moderation.audit()).rejects.toMatchObject({ code: 'forbidden', status: 403 })
  })
})
