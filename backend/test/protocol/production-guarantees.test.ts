import { randomBytes } from 'node:crypto'
import { createServer, Socket, type Server } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { HistoryResult, Message, SendResult } from '@roomful/sdk/protocol'
import { createProductionDrivers } from '../../src/drivers/drivers.production.js'
import { freshMysqlDatabase, servicesAvailable, TEST_REDIS_URL } from '../support/services.js'
import { startTestServer, type TestServer } from '../support/test-server.js'
import { createRoom as createRoomAt } from '../support/rooms.js'
import { WsTestClient } from '../support/ws-client.js'

/** A TCP proxy in front of MariaDB that a test can cut, as a network partition would. */
async function cuttableProxy(target: { host: string; port: number }) {
  const sockets = new Set<Socket>()
  let server: Server | null = null
  const open = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = new Socket().connect(target.port, target.host)
        for (const s of [client, upstream]) {
          sockets.add(s)
          s.on('close', () => sockets.delete(s))
          s.on('error', () => s.destroy())
        }
        client.pipe(upstream).pipe(client)
      })
      server.listen(port, '127.0.0.1', () => resolve())
    })
  const probe = createServer()
  const port = await new Promise<number>((resolve) =>
    probe.listen(0, '127.0.0.1', () => resolve((probe.address() as { port: number }).port)),
  )
  await new Promise((resolve) => probe.close(resolve))
  await open()
  return {
    port,
    async cut() {
      const closed = new Promise((resolve) => server!.close(resolve))
      for (const s of sockets) s.destroy()
      await closed
    },
    restore: open,
  }
}

const available = await servicesAvailable()

describe.runIf(available)('production guarantees on MariaDB + Redis', () => {
  let server: TestServer
  let proxy: Awaited<ReturnType<typeof cuttableProxy>>
  let statementCount: () => number
  /** Reads of history pages and of room records, counted at their stores: the pool's statement
   * count also holds the node's background work (sanction refresh, health probes). */
  const reads = { history: 0, room: 0 }
  let drop: () => Promise<void>

  beforeAll(async () => {
    const database = await freshMysqlDatabase()
    drop = database.drop
    const url = new URL(database.url)
    proxy = await cuttableProxy({ host: url.hostname, port: Number(url.port || 3306) })
    url.hostname = '127.0.0.1'
    url.port = String(proxy.port)
    const drivers = await createProductionDrivers({
      mysqlUrl: url.toString(),
      redisUrl: TEST_REDIS_URL,
      prefix: `rf-guarantees-${randomBytes(4).toString('hex')}:`,
    })
    statementCount = drivers.statementCount
    const { messages, rooms } = drivers
    const history = messages.history.bind(messages)
    messages.history = (...args) => (reads.history++, history(...args))
    const getRoom = rooms.get.bind(rooms)
    rooms.get = (...args) => (reads.room++, getRoom(...args))
    server = await startTestServer('production', { drivers })
  })
  afterAll(async () => {
    await server?.stop()
    await drop?.()
  })

  const token = () => server.token('tester')
  const createRoom = async (name: string) => createRoomAt(server.url, server.app.id, await token(), name)

  it('costs the same number of SQL statements for a room list page of 1 and of 50', async () => {
    for (let i = 0; i < 60; i++) await createRoom(`listed ${i}`)
    const auth = { Authorization: `Bearer ${await token()}` }
    const cost = async (limit: number) => {
      await fetch(`${server.url}/v1/apps/${server.app.id}/rooms?limit=1`, { headers: auth }) // warm the app cache
      const before = statementCount()
      const res = await fetch(`${server.url}/v1/apps/${server.app.id}/rooms?limit=${limit}`, {
        headers: auth,
      })
      expect(((await res.json()) as { items: unknown[] }).items).toHaveLength(limit)
      return statementCount() - before
    }
    const small = await cost(1)
    const large = await cost(50)
    console.log(`room list page: ${small} SQL statement(s) for 1 room, ${large} for 50`)
    expect(large).toBe(small)
    expect(large).toBeLessThanOrEqual(3)
  })

  it("answers a member's newest page again without a read while the room is unchanged, and shows each change at once", async () => {
    const room = await createRoom('newest page')
    const ann = await WsTestClient.authed(server.url, server.app.id, await server.token('ann'))
    const bob = await WsTestClient.authed(server.url, server.app.id, await server.token('bob'))
    for (const client of [ann, bob]) await client.request('join', { room: room.id })
    const say = async (clientId: string, text: string) =>
      (await ann.request<SendResult>('send', { room: room.id, clientId, text })).result!.message
    const first = await say('c1', 'first')
    const newest = async (limit = 10) => {
      const before = reads.history
      const page = (await bob.request<HistoryResult>('history', { room: room.id, limit })).result!
      const shown = page.messages.filter((m) => m.kind === 'text').map((m) => m.text)
      return { shown, page, statements: reads.history - before }
    }
    expect((await newest()).shown).toEqual(['first'])
    const again = await newest()
    expect([again.shown, again.statements]).toEqual([['first'], 0])
    // A smaller page comes from the same kept one; a larger one than was read needs a read.
    expect((await newest(1)).statements).toBe(0)

    await say('c2', 'second')
    expect((await newest()).shown).toEqual(['first', 'second'])
    await ann.request('edit', { room: room.id, messageId: first.id, text: 'first, edited' })
    expect((await newest()).shown).toEqual(['first, edited', 'second'])
    await ann.request('delete', { room: room.id, messageId: first.id })
    const afterDelete = await newest()
    expect(afterDelete.shown).toEqual(['', 'second'])
    expect(afterDelete.page.messages.find((m) => m.id === first.id)?.deletedAt).toEqual(expect.any(String))
    // An older page is read, and a member needs no room check.
    const counted = { ...reads }
    const older = await bob.request<HistoryResult>('history', { room: room.id, before: 3, limit: 10 })
    expect([
      older.result?.messages.map((m) => m.seq),
      reads.history - counted.history,
      reads.room - counted.room,
    ]).toEqual([[1, 2], 1, 0])
    // Asked by a socket that is not in the room, the page is read (and says the same).
    const carol = await WsTestClient.authed(server.url, server.app.id, await server.token('carol'))
    const before = reads.history
    const outside = (await carol.request<HistoryResult>('history', { room: room.id, limit: 10 })).result!
    expect(reads.history - before).toBe(1)
    expect(outside).toEqual(afterDelete.page)
    for (const client of [ann, bob, carol]) await client.close()
  })

  it('never acks a send the database did not commit, and nothing appears later', async () => {
    const room = await createRoom('partition')
    const client = await WsTestClient.authed(server.url, server.app.id, await token())
    await client.request('join', { room: room.id })
    const ok = await client.request<SendResult>('send', {
      room: room.id,
      clientId: 'before-cut',
      text: 'committed',
    })
    expect(ok.error).toBeUndefined()

    await proxy.cut()
    const failed = await client.request<SendResult>(
      'send',
      { room: room.id, clientId: 'during-cut', text: 'lost in the partition' },
      20_000,
    )
    expect(failed.result).toBeUndefined()
    expect(failed.error?.code).toBe('store_unavailable')
    await proxy.restore()

    // The database is back: the failed send is nowhere, and the service works again.
    const after = await client.request<SendResult>(
      'send',
      { room: room.id, clientId: 'after-cut', text: 'after' },
      20_000,
    )
    expect(after.error).toBeUndefined()
    const history = await client.request<{ messages: Message[] }>('history', { room: room.id })
    const texts = history.result!.messages.map((m) => m.text)
    expect(texts).toContain('committed')
    expect(texts).toContain('after')
    expect(texts).not.toContain('lost in the partition')
    expect(client.messagesIn(room.id).map((m) => m.text)).not.toContain('lost in the partition')
    await client.close()
  }, 60_000)
})
