import { afterAll, describe, expect, it } from 'vitest'
import type { RowDataPacket } from 'mysql2/promise'
import type { Client, Room } from '@roomful/sdk'
import type { JoinResult, Page, RankingBoard, Room as RoomInfo } from '@roomful/sdk/protocol'
import { memberIds, startCluster, timeUntil, type Cluster } from '../support/cluster.js'
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.js'
import { servicesAvailable } from '../support/services.js'
import { WsTestClient } from '../support/ws-client.js'

const available = await servicesAvailable()
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe.runIf(available)('Redis stopped and started again empty under two nodes', () => {
  let redis: PrivateRedis | undefined
  let cluster: Cluster | undefined
  afterAll(async () => {
    await cluster?.close()
    await redis?.close()
  })

  it('heals presence, occupancy, the join snapshot, pushed totals and the ranking within 5 s, with no client reconnecting', async () => {
    redis = await startPrivateRedis()
    cluster = await startCluster({ nodes: 2, redisUrl: redis.url })
    const c = cluster
    const nodes = c.nodes
    const owner = await c.client(nodes[0]!.url, 'owner')
    const rooms = [await owner.rooms.create({ name: 'red' }), await owner.rooms.create({ name: 'blue' })]
    owner.close()

    // Ten users per room, spread over both nodes; who is really where is `truth`.
    const truth = new Map(rooms.map((r) => [r.id, new Set<string>()]))
    const members = new Map<string, { client: Client; room: Room }>()
    const reconnects: string[] = []
    const enter = async (sub: string, roomId: string, node: number) => {
      const client = await c.client(nodes[node]!.url, sub)
      client.on('state', ({ current }) => current === 'reconnecting' && reconnects.push(sub))
      const room = client.room(roomId)
      await room.join()
      members.set(sub, { client, room })
      truth.get(roomId)!.add(sub)
    }
    await Promise.all(Array.from({ length: 20 }, (_, i) => enter(`u${i}`, rooms[i < 10 ? 0 : 1]!.id, i % 2)))
    const boards: (RankingBoard | null)[] = [null, null]
    for (const i of [0, 1]) {
      const watcher = await c.client(nodes[i]!.url, `ranking-watcher-${i}`)
      watcher.ranking.subscribe((board) => (boards[i] = board))
    }

    /** Everything a user can see, against the truth; the list of what differs. */
    const differences = async (withSnapshots: boolean): Promise<string[]> => {
      const wrong: string[] = []
      const expected = [...truth].map(([id, users]) => [id, users.size] as const)
      for (const [i, node] of nodes.entries()) {
        const { body } = await c.get<Page<RoomInfo>>(node.url, '/rooms')
        for (const [id, size] of expected) {
          const room = body.items.find((r) => r.id === id)
          if (room?.occupancy !== size || room.occupancyUnknown)
            wrong.push(`node ${i} REST occupancy ${room?.occupancy}`)
        }
        const rest = await c.get<RankingBoard>(node.url, '/ranking')
        for (const board of [rest.body, boards[i]]) {
          const ranked = new Map(board?.entries.map((e) => [e.roomId, e.occupancy]))
          for (const [id, size] of expected)
            if (ranked.get(id) !== size) wrong.push(`node ${i} ranking ${ranked.get(id)}`)
        }
      }
      for (const [sub, { room }] of members) {
        const users = [...truth.get(room.id)!].sort()
        if (room.total !== users.length) wrong.push(`${sub} sees total ${room.total}`)
        if (String(memberIds(room)) !== String(users))
          wrong.push(`${sub} sees ${memberIds(room).length} people`)
      }
      if (withSnapshots && wrong.length === 0)
        for (const node of nodes)
          for (const [id, users] of truth) {
            // A guest's join snapshot: guests are never in presence, so it changes nothing.
            const guest = await WsTestClient.connect(node.url, c.app.id)
            await guest.request('auth', { guest: true })
            const joined = await guest.request<JoinResult>('join', { room: id })
            guest.terminate()
            const snapshot = joined.result?.presence
            const ids = snapshot?.users.map((u) => u.id).sort()
            if (snapshot?.total !== users.size || String(ids) !== String([...users].sort()))
              wrong.push(`join snapshot ${snapshot?.total} of ${users.size}`)
          }
      return wrong
    }
    let settling: string[] = []
    await timeUntil(async () => (settling = await differences(true)).length === 0, 20_000, 100).catch(
      (err: Error) => {
        throw new Error(
          `before Redis stopped: ${err.message}; still wrong: ${settling.slice(0, 8).join('; ')}`,
        )
      },
    )

    const red = members.get('u0')!.room
    await red.send({ text: 'before Redis stopped' })
    await redis.stop()
    // Chat goes on while Redis is away: messages live in MySQL.
    const during = await Promise.allSettled([red.send({ text: 'while Redis is down' })])
    await sleep(5_000)
    await redis.start()
    const answeredAt = Date.now()

    // Right away, someone leaves and two people arrive, so deltas are pushed while the
    // nodes are still finding out that Redis forgot everything.
    members.delete('u0')
    truth.get(rooms[0]!.id)!.delete('u0')
    await Promise.all([red.leave(), enter('u20', rooms[0]!.id, 1), enter('u21', rooms[1]!.id, 0)])
    const churnMs = Date.now() - answeredAt

    let last: string[] = []
    // When each kind of wrongness was last seen, to show what took longest.
    const lastSeen = new Map<string, number>()
    const toTruth = await timeUntil(
      async () => {
        last = await differences(true)
        for (const wrong of last)
          lastSeen.set(wrong.replace(/\S+ sees/, 'a member sees'), Date.now() - answeredAt)
        return last.length === 0
      },
      30_000,
      50,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; still wrong: ${last.slice(0, 8).join('; ')}`)
    })
    const elapsed = Date.now() - answeredAt
    console.log(
      `Redis restart: presence, occupancy, snapshots, pushed totals and ranking true ${elapsed} ms ` +
        `after Redis answered (the churn took ${churnMs} ms, then ${toTruth} ms of polling); reconnects: ${reconnects.length}; ` +
        `send while Redis was down: ${during[0]!.status}; last wrong: ` +
        [...lastSeen].map(([wrong, at]) => `${wrong} at ${at} ms`).join(', '),
    )
    expect(elapsed).toBeLessThanOrEqual(5_000)
    expect(reconnects).toEqual([])
    await members.get('u21')!.room.send({ text: 'after Redis came back' })

    // Every room's seqs are gapless in MySQL, from 1.
    const rows = await c.query<RowDataPacket & { room_id: string; seq: number }>(
      'SELECT room_id, seq FROM messages WHERE app_id = ? ORDER BY room_id, seq',
      [c.app.id],
    )
    for (const { id } of rooms) {
      const seqs = rows.filter((r) => r.room_id === id).map((r) => Number(r.seq))
      expect(seqs).toEqual(seqs.map((_, i) => i + 1))
    }
  }, 120_000)
})
