import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { Room, SendResult, RankingBoard } from '@roomful/sdk/protocol'
import { freshMysqlDatabase, servicesAvailable, TEST_REDIS_URL } from '../support/services.js'
import { startBackend, type BackendProcess } from '../support/start-backend.js'
import { mintUserToken } from '../support/tokens.js'
import { createRoom as createRoomAt } from '../support/rooms.js'
import { WsTestClient } from '../support/ws-client.js'

const run = promisify(execFile)
const ADMIN = fileURLToPath(new URL('../../dist/cli/admin.js', import.meta.url))
const available = await servicesAvailable()

describe.runIf(available)('three production nodes on one MySQL + Redis', () => {
  let nodes: BackendProcess[] = []
  let app: { id: string; secret: string }
  let drop: () => Promise<void>
  const clients: WsTestClient[] = []

  beforeAll(async () => {
    const database = await freshMysqlDatabase()
    drop = database.drop
    const env = {
      MYSQL_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: `rf-cluster-${randomBytes(4).toString('hex')}:`,
    }
    // The operator's first step: create the app with the admin CLI, keeping the secret it prints.
    const { stdout } = await run(
      process.execPath,
      [ADMIN, 'create-app', 'cluster', '--name', 'Cluster test'],
      {
        env: { ...process.env, MYSQL_URL: database.url },
      },
    )
    app = JSON.parse(stdout) as { id: string; secret: string }
    nodes = await Promise.all([0, 1, 2].map((i) => startBackend({ env: { ...env, NODE_ID: `node-${i}` } })))
  }, 90_000)

  afterAll(async () => {
    for (const client of clients) client.terminate()
    await Promise.all(nodes.map((node) => node.stop()))
    await drop?.()
  })

  const token = (sub: string) => mintUserToken(app.id, app.secret, { sub, name: sub.toUpperCase() })
  const connect = async (node: BackendProcess, sub: string) => {
    const client = await WsTestClient.authed(node.url, app.id, await token(sub))
    clients.push(client)
    return client
  }
  const occupancyOn = async (node: BackendProcess, roomId: string) => {
    const res = await fetch(`${node.url}/v1/apps/${app.id}/rooms/${roomId}`, {
      headers: { Authorization: `Bearer ${await token('probe')}` },
    })
    return ((await res.json()) as Room).occupancy
  }
  const boardOn = async (node: BackendProcess) => {
    const res = await fetch(`${node.url}/v1/apps/${app.id}/ranking`, {
      headers: { Authorization: `Bearer ${await token('probe')}` },
    })
    return (await res.json()) as RankingBoard
  }

  it('lets members on different nodes chat, agree on presence and ranking, and forget a killed node within 30 s', async () => {
    const [a, b, c] = nodes as [BackendProcess, BackendProcess, BackendProcess]
    const room = await createRoomAt(a.url, app.id, await token('owner'), 'across nodes')

    const ann = await connect(a, 'ann')
    const ben = await connect(b, 'ben')
    const cat = await connect(c, 'cat')
    const rankWatcherB = await connect(b, 'watcher')
    await rankWatcherB.request('ranking.subscribe')
    for (const client of [ann, ben, cat])
      expect((await client.request('join', { room: room.id })).error).toBeUndefined()

    // A message sent on one node reaches the members on the others, once.
    const fromAnn = await ann.request<SendResult>('send', {
      room: room.id,
      clientId: 'a1',
      text: 'hello from node 0',
    })
    const fromCat = await cat.request<SendResult>('send', {
      room: room.id,
      clientId: 'c1',
      text: 'hello from node 2',
    })
    for (const client of [ann, ben, cat]) {
      await client.waitFor((f) => f.type === 'message' && f.message.id === fromAnn.result!.message.id)
      await client.waitFor((f) => f.type === 'message' && f.message.id === fromCat.result!.message.id)
    }
    for (const client of [ann, ben, cat]) {
      const texts = client.messagesIn(room.id).map((m) => m.text)
      expect(texts.filter((t) => t === 'hello from node 0')).toHaveLength(1)
      expect(texts.filter((t) => t === 'hello from node 2')).toHaveLength(1)
      const seqs = client.messagesIn(room.id).map((m) => m.seq)
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y))
    }

    // Presence and ranking are global: every node agrees.
    for (const node of nodes) expect(await occupancyOn(node, room.id)).toBe(3)
    await rankWatcherB.waitFor(
      (f) => f.type === 'ranking' && f.board.entries.some((e) => e.roomId === room.id && e.occupancy === 3),
    )
    for (const node of nodes)
      expect((await boardOn(node)).entries.find((e) => e.roomId === room.id)?.occupancy).toBe(3)

    // A crash: no drain, no goodbye. The survivors must notice on their own.
    const killedAt = Date.now()
    await c.kill()
    const leave = await ann.waitFor(
      (f) => f.type === 'presence' && f.action === 'leave' && f.user.id === 'cat',
      30_000,
    )
    const elapsed = Date.now() - killedAt
    expect(leave).toMatchObject({ total: 2 })
    expect(elapsed).toBeLessThan(30_000)
    console.log(`node kill -9 → its users left presence after ${elapsed} ms`)
    await rankWatcherB.waitFor(
      (f) => f.type === 'ranking' && f.board.entries.some((e) => e.roomId === room.id && e.occupancy === 2),
      5_000,
    )
    for (const node of [a, b]) expect(await occupancyOn(node, room.id)).toBe(2)
    await ben.waitFor(
      (f) =>
        f.type === 'message' &&
        f.message.kind === 'notice' &&
        f.message.notice === 'leave' &&
        f.message.user.id === 'cat',
    )
  }, 90_000)
})
