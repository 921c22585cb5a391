import { randomBytes } from 'node:crypto'
import { connect, createServer, type Socket } from 'node:net'
import { expect, it } from 'vitest'
import { RoomfulError } from '../../src/errors.js'
import { newSortableId } from '../../src/ids.js'
import type { NewMessage } from '../../src/messages/message-store.js'
import { MysqlMessageStore } from '../../src/messages/message-store.mysql.js'
import { createMysql, QUERY_TIMEOUT_MS, type Row } from '../../src/storage/mysql.js'
import { contract, type Harness } from './harness.js'

const hex = (n: number) => randomBytes(n).toString('hex')

async function newRoom(h: Harness, appId = `a${hex(4)}`) {
  const room = await h.node.rooms.create({
    id: newSortableId('r'),
    appId,
    name: 'Room',
    topic: null,
    createdBy: 'u1',
    createdAt: new Date(),
    lastSeq: 0,
    slowModeSeconds: 0,
    readOnly: false,
    archived: false,
  })
  return { appId, roomId: room.id }
}

const text = (
  at: { appId: string; roomId: string },
  body: string,
  clientId: string | null = hex(8),
  user = 'u1',
): NewMessage => ({
  id: newSortableId('m'),
  appId: at.appId,
  roomId: at.roomId,
  kind: 'text',
  user: { id: user, name: `User ${user}`, avatar: null },
  text: body,
  clientId,
  createdAt: new Date(),
})

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** A server that accepts connections and never says a word, like a wedged database. */
async function silentServer() {
  const sockets = new Set<Socket>()
  const server = createServer((socket) => sockets.add(socket))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as { port: number }).port,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

/** A TCP proxy to MySQL that can stop passing bytes, as a network partition would. */
async function freezableProxy(target: URL) {
  const sockets = new Set<Socket>()
  let frozen = false
  const port = Number(target.port || 3306)
  const host = target.hostname
  const server = createServer((client) => {
    const upstream = connect(port, host)
    sockets.add(client).add(upstream)
    client.on('data', (chunk) => frozen || upstream.write(chunk))
    upstream.on('data', (chunk) => frozen || client.write(chunk))
    client.on('error', () => upstream.destroy())
    upstream.on('error', () => client.destroy())
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as { port: number }).port,
    freeze: () => {
      frozen = true
    },
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

contract('MessageStore', { bothSqlForms: true }, (h, kind) => {
  it('assigns each room gapless seqs in input order and bumps its lastSeq', async () => {
    const a = await newRoom(h())
    const b = await newRoom(h(), a.appId)
    const results = await h().node.messages.append([
      text(a, 'a1'),
      text(b, 'b1'),
      text(a, 'a2'),
      text(a, 'a3'),
      text(b, 'b2'),
    ])
    expect(results.map((r) => [r.message.text, r.message.seq, r.duplicate])).toEqual([
      ['a1', 1, false],
      ['b1', 1, false],
      ['a2', 2, false],
      ['a3', 3, false],
      ['b2', 2, false],
    ])
    const next = await h().node.messages.append([text(a, 'a4')])
    expect(next[0]!.message.seq).toBe(4)
    expect((await h().node.rooms.get(a.appId, a.roomId))?.lastSeq).toBe(4)
    expect((await h().node.rooms.get(b.appId, b.roomId))?.lastSeq).toBe(2)
  })

  it('stores every field and returns it as sent', async () => {
    const at = await newRoom(h())
    const image: NewMessage = {
      ...text(at, 'look', 'c-img'),
      kind: 'image',
      user: { id: 'ü', name: '사용자 ✨', avatar: 'https://cdn.example/a.png' },
      attachment: {
        id: 'att1',
        contentType: 'image/png',
        bytes: 1234,
        width: 10,
        height: 20,
        url: '/u/att1',
        thumbnailUrl: null,
      },
      createdAt: new Date('2026-11-25T06:00:00.123Z'),
    }
    const notice: NewMessage = { ...text(at, '', null), kind: 'notice', notice: 'join' }
    const [stored, storedNotice] = await h().node.messages.append([image, notice])
    const history = await h().node.messages.history(at.appId, at.roomId, { limit: 10 })
    expect(history).toEqual([stored!.message, storedNotice!.message])
    expect(history[0]).toEqual({
      id: image.id,
      roomId: at.roomId,
      seq: 1,
      kind: 'image',
      user: image.user,
      text: 'look',
      clientId: 'c-img',
      createdAt: '2026-11-25T06:00:00.123Z',
      attachment: image.attachment,
    })
    expect(history[1]).toMatchObject({ kind: 'notice', notice: 'join', clientId: null, seq: 2 })
  })

  it('returns the original for a retried clientId, in a later call or in the same batch', async () => {
    const at = await newRoom(h())
    const [first] = await h().node.messages.append([text(at, 'hello', 'c1')])
    const again = await h().node.messages.append([
      { ...text(at, 'hello (retry)', 'c1'), id: newSortableId('m') },
      text(at, 'new', 'c2'),
      text(at, 'new (dup in batch)', 'c2'),
    ])
    expect(again[0]).toEqual({ message: first!.message, duplicate: true })
    expect(again[1]).toMatchObject({ duplicate: false, message: { seq: 2, text: 'new' } })
    expect(again[2]).toEqual({ message: again[1]!.message, duplicate: true })
    const history = await h().node.messages.history(at.appId, at.roomId, { limit: 10 })
    expect(history.map((m) => [m.seq, m.text])).toEqual([
      [1, 'hello'],
      [2, 'new'],
    ])
  })

  it('scopes clientIds to the sender, and never deduplicates notices', async () => {
    const at = await newRoom(h())
    const results = await h().node.messages.append([
      text(at, 'from u1', 'same', 'u1'),
      text(at, 'from u2', 'same', 'u2'),
      { ...text(at, '', null), kind: 'notice', notice: 'join' },
      { ...text(at, '', null), kind: 'notice', notice: 'join' },
    ])
    expect(results.map((r) => [r.message.seq, r.duplicate])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, false],
    ])
  })

  it('keeps seqs strictly increasing and gapless under concurrent appends from two nodes', async () => {
    const at = await newRoom(h())
    const nodes = [h().node, await h().secondNode()]
    const calls = Array.from({ length: 20 }, (_, i) =>
      nodes[i % 2]!.messages.append(Array.from({ length: 5 }, (_, j) => text(at, `m${i}.${j}`))),
    )
    const results = (await Promise.all(calls)).flat()
    expect(results.every((r) => !r.duplicate)).toBe(true)
    expect(results.map((r) => r.message.seq).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 100 }, (_, i) => i + 1),
    )
    // Within one call the seqs follow input order.
    for (let i = 0; i < results.length; i += 5) {
      const seqs = results.slice(i, i + 5).map((r) => r.message.seq)
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y))
    }
    const log = await h().node.messages.since(at.appId, at.roomId, 0, 1000)
    expect(log.map((m) => m.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1))
  })

  it('keeps every room gapless when concurrent batches from two nodes span the same rooms', async () => {
    const first = await newRoom(h())
    const rooms = [first, await newRoom(h(), first.appId), await newRoom(h(), first.appId)]
    const nodes = [h().node, await h().secondNode()]
    // Each batch names the rooms in a different order: locking must not depend on it.
    const calls = Array.from({ length: 24 }, (_, i) =>
      nodes[i % 2]!.messages.append(
        Array.from({ length: 6 }, (_, j) => text(rooms[(i + j * (i % 2 ? 1 : 2)) % 3]!, `m${i}.${j}`)),
      ),
    )
    await Promise.all(calls)
    let total = 0
    for (const room of rooms) {
      const log = await h().node.messages.since(room.appId, room.roomId, 0, 1000)
      total += log.length
      expect(log.map((m) => m.seq)).toEqual(Array.from({ length: log.length }, (_, i) => i + 1))
      expect((await h().node.rooms.get(room.appId, room.roomId))?.lastSeq).toBe(log.length)
    }
    expect(total).toBe(24 * 6)
  })

  it('stores a batch spanning rooms in one round trip to the database', async () => {
    const first = await newRoom(h())
    const rooms = [first, await newRoom(h(), first.appId), await newRoom(h(), first.appId)]
    const statements = h().node.statementCount?.()
    const results = await h().node.messages.append(
      Array.from({ length: 30 }, (_, i) => text(rooms[i % 3]!, `b${i}`)),
    )
    // Embedded mode has no database to count round trips to.
    if (statements !== undefined) expect(h().node.statementCount!() - statements).toBe(1)
    expect(results.map((r) => r.message.seq)).toEqual(
      Array.from({ length: 30 }, (_, i) => 1 + Math.floor(i / 3)),
    )
  })

  it('stores one row when two nodes append the same clientId at once', async () => {
    const at = await newRoom(h())
    const nodes = [h().node, await h().secondNode()]
    for (let round = 0; round < 5; round++) {
      const clientId = `race-${round}`
      const results = (
        await Promise.all(
          nodes.map((n, i) =>
            n.messages.append([text(at, `filler ${round}.${i}`), text(at, 'once', clientId)]),
          ),
        )
      ).map((r) => r[1]!)
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1)
      expect(results[0]!.message).toEqual(results[1]!.message)
    }
    const log = await h().node.messages.since(at.appId, at.roomId, 0, 1000)
    expect(log.filter((m) => m.text === 'once')).toHaveLength(5)
    expect(log.map((m) => m.seq)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1))
  })

  it('pages history backwards by seq and since forwards, ascending, within bounds', async () => {
    const at = await newRoom(h())
    await h().node.messages.append(Array.from({ length: 12 }, (_, i) => text(at, `m${i + 1}`)))
    const seqs = (ms: { seq: number }[]) => ms.map((m) => m.seq)
    const store = h().node.messages
    expect(seqs(await store.history(at.appId, at.roomId, { limit: 5 }))).toEqual([8, 9, 10, 11, 12])
    expect(seqs(await store.history(at.appId, at.roomId, { before: 8, limit: 5 }))).toEqual([3, 4, 5, 6, 7])
    expect(seqs(await store.history(at.appId, at.roomId, { before: 3, limit: 5 }))).toEqual([1, 2])
    expect(seqs(await store.history(at.appId, at.roomId, { before: 1, limit: 5 }))).toEqual([])
    expect(seqs(await store.history(at.appId, at.roomId, { before: 100, limit: 2 }))).toEqual([11, 12])
    expect(seqs(await store.since(at.appId, at.roomId, 0, 3))).toEqual([1, 2, 3])
    expect(seqs(await store.since(at.appId, at.roomId, 9, 10))).toEqual([10, 11, 12])
    expect(seqs(await store.since(at.appId, at.roomId, 12, 10))).toEqual([])
    expect((await store.history(at.appId, at.roomId, { limit: 1 }))[0]?.text).toBe('m12')
  })

  it('never shows one app the messages of another, even with the same room id', async () => {
    const at = await newRoom(h())
    const other = await newRoom(h())
    await h().node.messages.append([text(at, 'secret')])
    expect(await h().node.messages.history(other.appId, at.roomId, { limit: 10 })).toEqual([])
    expect(await h().node.messages.since(other.appId, at.roomId, 0, 10)).toEqual([])
  })

  it('rejects a batch naming an unknown room and stores nothing of it', async () => {
    const at = await newRoom(h())
    const err = await h()
      .node.messages.append([text(at, 'lost'), text({ appId: at.appId, roomId: 'r_missing' }, 'x')])
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RoomfulError)
    expect((err as RoomfulError).code).toBe('room_not_found')
    expect(await h().node.messages.history(at.appId, at.roomId, { limit: 10 })).toEqual([])
    const alone = await h()
      .node.messages.append([text({ appId: at.appId, roomId: 'a_missing' }, 'y')])
      .catch((e: unknown) => e)
    expect((alone as RoomfulError).code).toBe('room_not_found')
    expect(await h().node.messages.history(at.appId, 'a_missing', { limit: 10 })).toEqual([])
    expect((await h().node.messages.append([text(at, 'kept')]))[0]!.message.seq).toBe(1)
  })

  if (kind === 'production')
    it('sends appends to MariaDB as one compound statement, answered once', async () => {
      const db = createMysql(h().mysqlUrl!)
      try {
        const [server] = await db.query<Row[]>('SELECT VERSION() AS version')
        await new MysqlMessageStore(db).append([text(await newRoom(h()), 'one answer')])
        expect(db.compoundStatements()).toBe(/mariadb/i.test(String(server?.version)))
      } finally {
        await db.close()
      }
    })

  // Embedded mode has no database to lose: its store cannot be unreachable.
  if (kind === 'production')
    it('rejects when the database is unreachable and stores nothing', async () => {
      const at = await newRoom(h())
      const url = new URL(h().mysqlUrl!)
      url.port = String(await closedPort())
      const unreachable = createMysql(url.toString())
      try {
        const started = Date.now()
        await expect(
          new MysqlMessageStore(unreachable).append([text(at, 'lost', 'c-lost')]),
        ).rejects.toThrow()
        expect(Date.now() - started).toBeLessThan(10_000)
      } finally {
        await unreachable.close()
      }
      expect(await h().node.messages.history(at.appId, at.roomId, { limit: 10 })).toEqual([])
      expect((await h().node.rooms.get(at.appId, at.roomId))?.lastSeq).toBe(0)
    })

  if (kind === 'production')
    it('rejects within the timeout when the database accepts but never answers', async () => {
      const at = await newRoom(h())
      const silent = await silentServer()
      const url = new URL(h().mysqlUrl!)
      url.port = String(silent.port)
      const wedged = createMysql(url.toString())
      try {
        const started = Date.now()
        await expect(new MysqlMessageStore(wedged).append([text(at, 'lost')])).rejects.toThrow()
        expect(Date.now() - started).toBeLessThan(QUERY_TIMEOUT_MS + 3_000)
      } finally {
        await Promise.allSettled([wedged.close(), silent.close()])
      }
      expect(await h().node.messages.history(at.appId, at.roomId, { limit: 10 })).toEqual([])
    })

  if (kind === 'production')
    it('rejects within the timeout when the database stops answering mid-call, and stores nothing', async () => {
      const at = await newRoom(h())
      const url = new URL(h().mysqlUrl!)
      const proxy = await freezableProxy(url)
      url.hostname = '127.0.0.1'
      url.port = String(proxy.port)
      const partitioned = createMysql(url.toString(), { connectionLimit: 1 })
      try {
        const store = new MysqlMessageStore(partitioned)
        await store.append([text(at, 'before the partition')])
        proxy.freeze()
        const started = Date.now()
        await expect(store.append([text(at, 'lost')])).rejects.toThrow()
        expect(Date.now() - started).toBeLessThan(QUERY_TIMEOUT_MS + 3_000)
      } finally {
        await Promise.allSettled([partitioned.close(), proxy.close()])
      }
      const log = await h().node.messages.history(at.appId, at.roomId, { limit: 10 })
      expect(log.map((m) => m.text)).toEqual(['before the partition'])
    })
})
