import type { RowDataPacket } from 'mysql2/promise'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Message, Room as RoomInfo } from '@roomful/sdk/protocol'
import type { Client, MessageChange } from '@roomful/sdk'
import { startCluster, timeUntil, type Cluster } from '../support/cluster.js'
import { createRoom } from '../support/rooms.js'
import { servicesAvailable, TEST_REDIS_URL } from '../support/services.js'
import { mintUserToken } from '../support/tokens.js'

const available = await servicesAvailable()

/** A WebSocket whose network can be cut: while `offline`, new sockets go nowhere. */
function cuttableNetwork() {
  const net = { offline: false, sockets: [] as WebSocket[] }
  class Cuttable extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(net.offline ? 'ws://127.0.0.1:9' : url, protocols)
      net.sockets.push(this)
    }
  }
  return {
    WebSocket: Cuttable as unknown as typeof WebSocket,
    cut() {
      net.offline = true
      for (const s of net.sockets) s.terminate()
    },
    restore() {
      net.offline = false
    },
  }
}

describe.runIf(available)('moderation across two production nodes (SDK)', () => {
  let cluster: Cluster
  beforeAll(async () => {
    cluster = await startCluster({ nodes: 2, redisUrl: TEST_REDIS_URL })
  }, 90_000)
  afterAll(async () => cluster?.close())

  const texts = (messages: readonly Message[]) => messages.filter((m) => m.kind === 'text').map((m) => m.text)
  const joined = async (client: Client, roomId: string) => {
    const room = client.room(roomId)
    await room.join()
    return room
  }

  it('a moderator on node A deletes; members on node B see it vanish live, one who was away never shows it, history keeps a tombstone and MySQL no text', async () => {
    const [a, b] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]]
    const info: RoomInfo = await createRoom(a.url, cluster.app.id, await cluster.token('owner'), 'moderated')
    const modToken = await mintUserToken(cluster.app.id, cluster.app.secret, {
      sub: 'mod',
      role: 'moderator',
    })
    const backoff = { min: 50, max: 200 }
    const spammer = await joined(await cluster.client(a.url, 'spammer', { backoff }), info.id)
    const mod = await joined(await cluster.client(a.url, 'mod', { token: modToken, backoff }), info.id)
    const bob = await joined(await cluster.client(b.url, 'bob', { backoff }), info.id)
    const network = cuttableNetwork()
    const carolClient = await cluster.client(b.url, 'carol', { WebSocket: network.WebSocket, backoff })
    const carol = await joined(carolClient, info.id)

    const spam = await spammer.send({ text: 'buy cheap pills at spam.example' })
    const keep = await spammer.send({ text: 'a fine message' })
    await timeUntil(
      () => texts(bob.messages).includes(keep.text) && texts(carol.messages).includes(keep.text),
      10_000,
    )

    // Carol drops off; the moderator deletes while she is away, and edits happen too.
    network.cut()
    await timeUntil(() => carol.status === 'suspended', 10_000)
    const bobChanges: MessageChange[] = []
    bob.on('change', (c) => bobChanges.push(c))
    const started = Date.now()
    const tombstone = await mod.delete(spam.id)
    expect(tombstone).toMatchObject({ id: spam.id, text: '', deletedBy: 'mod' })
    await timeUntil(() => !texts(bob.messages).includes(spam.text), 10_000)
    const liveMs = Date.now() - started
    expect(bob.messages.find((m) => m.id === spam.id)).toMatchObject({ text: '', deletedBy: 'mod' })
    expect(bobChanges).toMatchObject([{ action: 'delete', messageId: spam.id, message: { text: '' } }])
    await spammer.edit(keep.id, 'a fine message, edited')
    await timeUntil(() => texts(bob.messages).includes('a fine message, edited'), 10_000)

    // Carol comes back: her room resumes from its last seq and applies what she missed.
    const carolChanges: MessageChange[] = []
    carol.on('change', (c) => carolChanges.push(c))
    const carolShown: string[] = []
    carol.on('message', (m) => carolShown.push(m.text))
    network.restore()
    await timeUntil(() => carol.status === 'joined' && carolChanges.length === 2, 15_000)
    expect(texts(carol.messages)).not.toContain(spam.text)
    expect(texts(carol.messages)).toContain('a fine message, edited')
    expect(carol.messages.find((m) => m.id === spam.id)?.deletedAt).toBeDefined()
    expect(carolShown).not.toContain(spam.text)
    expect(carolChanges.map((c) => c.action)).toEqual(['delete', 'edit'])

    // History from the other node returns the tombstone; MySQL holds no trace of the text.
    const page = await cluster.get<{ messages: Message[] }>(b.url, `/rooms/${info.id}/messages`)
    expect(page.body.messages.find((m) => m.id === spam.id)).toMatchObject({ text: '', deletedBy: 'mod' })
    const rows = await cluster.query<RowDataPacket>(
      'SELECT text, attachment, deleted_by FROM messages WHERE app_id = ? AND id = ?',
      [cluster.app.id, spam.id],
    )
    expect(rows).toEqual([{ text: '', attachment: null, deleted_by: 'mod' }])
    const traces = await cluster.query<RowDataPacket>(
      'SELECT COUNT(*) AS n FROM messages WHERE app_id = ? AND text LIKE ?',
      [cluster.app.id, '%spam.example%'],
    )
    expect(Number(traces[0]!.n)).toBe(0)
    console.log(`delete on node A → gone on node B's SDK in ${liveMs} ms`)
  }, 60_000)

  it("refuses a plain user's delete or edit of another's message through the SDK, with typed errors", async () => {
    const [a, b] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]]
    const info = await createRoom(a.url, cluster.app.id, await cluster.token('owner'), 'guarded')
    const owner = await joined(await cluster.client(a.url, 'owner2'), info.id)
    const other = await joined(await cluster.client(b.url, 'mallory'), info.id)
    const m = await owner.send({ text: 'not yours' })
    await expect(other.delete(m.id)).rejects.toMatchObject({ code: 'forbidden' })
    await expect(other.edit(m.id, 'yours now')).rejects.toMatchObject({ code: 'forbidden' })
    await expect(other.delete('m_unknown')).rejects.toMatchObject({ code: 'not_found' })
    const page = await cluster.get<{ messages: Message[] }>(b.url, `/rooms/${info.id}/messages`)
    expect(page.body.messages.find((x) => x.id === m.id)).toMatchObject({ text: 'not yours' })
  }, 30_000)
})
