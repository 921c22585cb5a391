import { afterAll, describe, expect, it } from 'vitest'
import type { RowDataPacket } from 'mysql2/promise'
import type { Client, Room } from '@roomful/sdk'
import type { Message } from '@roomful/sdk/protocol'
import { roundRobinBalancer, type Balancer } from '../support/balancer.js'
import { startCluster, timeUntil, type Cluster } from '../support/cluster.js'
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.js'
import { servicesAvailable } from '../support/services.js'

const available = await servicesAvailable()
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const USERS = 12

describe.runIf(available)('a rolling SIGTERM restart of three nodes under chat load', () => {
  let redis: PrivateRedis | undefined
  let cluster: Cluster | undefined
  let balancer: Balancer | undefined
  afterAll(async () => {
    await balancer?.close()
    await cluster?.close()
    await redis?.close()
  })

  it('shows no leave or join to anyone for users who only moved nodes, and loses nothing', async () => {
    redis = await startPrivateRedis()
    cluster = await startCluster({ nodes: 3, redisUrl: redis.url })
    const c = cluster
    balancer = await roundRobinBalancer(c.nodes.map((n) => n.port))
    const owner = await c.client(balancer.url, 'owner')
    const roomIds = [
      (await owner.rooms.create({ name: 'one' })).id,
      (await owner.rooms.create({ name: 'two' })).id,
    ]
    owner.close()

    const people: { sub: string; client: Client; room: Room }[] = []
    let reconnects = 0
    const presenceEvents: string[] = []
    for (let i = 0; i < USERS; i++) {
      const sub = `user${i}`
      const client = await c.client(balancer.url, sub, { backoff: { min: 100, max: 1_000 } })
      client.on('state', ({ current }) => current === 'reconnecting' && reconnects++)
      const room = client.room(roomIds[i % 2]!)
      await room.join()
      people.push({ sub, client, room })
    }
    await timeUntil(() => people.every((p) => p.room.total === USERS / 2), 15_000)
    // Deltas from the server; the SDK's own `sync` after each rejoin is not one.
    for (const { sub, room } of people)
      room.on(
        'presence',
        ({ action, user }) => action !== 'sync' && presenceEvents.push(`${sub} saw ${user?.id} ${action}`),
      )
    const baseline = new Map(
      (
        await c.query<RowDataPacket & { room_id: string; last: number }>(
          'SELECT room_id, MAX(seq) AS last FROM messages WHERE app_id = ? GROUP BY room_id',
          [c.app.id],
        )
      ).map((r) => [r.room_id, Number(r.last)]),
    )

    // Everyone chats at about 2 messages a second while the nodes restart one by one.
    let chatting = true
    const acked: Message[] = []
    const failed: string[] = []
    const load = people.map(async ({ sub, room }) => {
      for (let n = 0; chatting; n++) {
        room.send({ text: `${sub} #${n}` }).then(
          (m) => acked.push(m),
          (err: Error) => failed.push(`${sub} #${n}: ${err.message}`),
        )
        await sleep(500)
      }
    })
    for (let i = 0; i < c.nodes.length; i++) {
      await sleep(1_500)
      c.nodes[i] = await c.nodes[i]!.restart()
      await timeUntil(() => people.every((p) => p.client.state === 'connected' && p.room.joined), 20_000)
    }
    await sleep(1_500)
    chatting = false
    await Promise.all(load)
    // Longer than the default grace period: a leave that was only deferred would show by now.
    await sleep(7_000)

    const stored = (
      await c.query<
        RowDataPacket & {
          room_id: string
          seq: number
          kind: string
          notice: string
          user_id: string
          text: string
        }
      >(
        'SELECT room_id, seq, kind, notice, user_id, text FROM messages WHERE app_id = ? ORDER BY room_id, seq',
        [c.app.id],
      )
    ).filter((m) => Number(m.seq) > (baseline.get(m.room_id) ?? 0))
    const notices = stored.filter((m) => m.kind === 'notice')
    const texts = stored.filter((m) => m.kind === 'text').map((m) => m.text)
    const duplicates = texts.length - new Set(texts).size
    const lost = acked.filter((m) => !texts.includes(m.text))
    console.log(
      `rolling restart: ${notices.length} join/leave notices stored ` +
        `(${notices.filter((n) => n.notice === 'leave').length} leave, ${notices.filter((n) => n.notice === 'join').length} join), ` +
        `${presenceEvents.length} presence deltas pushed, ${reconnects} reconnects, ` +
        `${acked.length} sends acked, ${texts.length} stored, ${lost.length} acked lost, ${duplicates} duplicates, ` +
        `${failed.length} sends failed`,
    )
    expect(notices.map((n) => `${n.user_id} ${n.notice}`)).toEqual([])
    expect(presenceEvents).toEqual([])
    expect(reconnects).toBeGreaterThanOrEqual(USERS)
    expect(lost).toEqual([])
    expect(duplicates).toBe(0)
    // Everyone is still here, as everyone sees it.
    for (const { room } of people) expect(room.total).toBe(USERS / 2)
  }, 180_000)
})
