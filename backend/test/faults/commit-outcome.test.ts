import { afterAll, describe, expect, it } from 'vitest'
import type { RowDataPacket } from 'mysql2/promise'
import type { Message, SendResult } from '@roomful/sdk/protocol'
import { cuttableProxy, type CuttableProxy } from '../../../sdk/test/integration/support/proxy.js'
import { startCluster, timeUntil, type Cluster } from '../support/cluster.js'
import { servicesAvailable, TEST_MYSQL_URL, TEST_REDIS_URL } from '../support/services.js'
import { WsTestClient } from '../support/ws-client.js'

const available = await servicesAvailable()
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * The node reaches MariaDB through a proxy that can lose the database's replies: from the
 * instant a COMMIT passes (the transaction is committed, the node never hears so), or for every
 * connection at once (a partition). The test checks what each sender was told against what
 * MySQL really holds.
 */
describe.runIf(available)('database replies lost at or after COMMIT', () => {
  let proxy: CuttableProxy | undefined
  let cluster: Cluster | undefined
  afterAll(async () => {
    await cluster?.close()
    await proxy?.close()
  })

  it('the sender ends with its message stored once, members see it, and nothing answered "not stored" is in MySQL', async () => {
    const mysql = new URL(TEST_MYSQL_URL)
    proxy = await cuttableProxy(`http://${mysql.hostname}:${mysql.port || 3306}`)
    const through = new URL(proxy.url).host
    cluster = await startCluster({
      nodes: 1,
      redisUrl: TEST_REDIS_URL,
      mysqlUrl: (url) => Object.assign(new URL(url), { host: through }).toString(),
    })
    const c = cluster
    const url = c.nodes[0]!.url
    const owner = await c.client(url, 'owner')
    const { id: roomId } = await owner.rooms.create({ name: 'held replies' })
    const sender = (await c.client(url, 'sender')).room(roomId)
    const reader = (await c.client(url, 'reader')).room(roomId)
    await sender.join()
    await reader.join()
    const seen: Message[] = []
    reader.on('message', (m) => m.kind === 'text' && seen.push(m))
    await sender.send({ text: 'before' })
    await timeUntil(() => seen.length === 1, 5_000)

    // 1. The COMMIT reaches MariaDB; its reply never comes back. The node cannot tell whether
    // it was stored: it must not say "nothing was saved", and the SDK sends it again with the
    // same clientId until it gets the stored original.
    proxy.loseRepliesAfter('COMMIT')
    const started = Date.now()
    const sending = sender.send({ text: 'committed, reply lost' })
    const clientId = sender.pending.at(-1)!.clientId
    const stored = await sending
    const settledMs = Date.now() - started
    expect(stored.clientId).toBe(clientId)
    await timeUntil(() => seen.some((m) => m.clientId === clientId), 5_000)

    // 2. A partition with sends in flight, seen through raw frames: every answer is recorded.
    const raw = await WsTestClient.connect(url, c.app.id)
    await raw.request('auth', { token: await c.token('raw-sender') })
    await raw.request('join', { room: roomId })
    const answers: { clientId: string; code: string }[] = []
    const inFlight: Promise<void>[] = []
    const sendRaw = (i: number) => {
      const id = `raw-${i}-${Date.now()}`
      inFlight.push(
        raw
          .request<SendResult>('send', { room: roomId, clientId: id, text: `partition ${i}` }, 20_000)
          .then((reply) => void answers.push({ clientId: id, code: reply.error?.code ?? 'ok' })),
      )
    }
    sendRaw(0)
    await sleep(200)
    proxy.blackhole()
    for (let i = 1; i <= 4; i++) {
      sendRaw(i)
      await sleep(300)
    }
    await sleep(6_000)
    proxy.restore()
    await Promise.all(inFlight)
    raw.terminate()

    const rows = await c.query<RowDataPacket & { client_id: string }>(
      'SELECT client_id FROM messages WHERE app_id = ? AND room_id = ? AND client_id IS NOT NULL',
      [c.app.id, roomId],
    )
    const count = (id: string) => rows.filter((r) => r.client_id === id).length
    const codes = answers.map((a) => a.code)
    console.log(
      `COMMIT reply lost: the SDK had the stored original after ${settledMs} ms, stored ${count(clientId)} time(s); ` +
        `partition answers: ${codes.join(', ')}; in MySQL: ${answers.map((a) => count(a.clientId)).join(', ')}`,
    )
    expect(count(clientId)).toBe(1)
    expect(seen.filter((m) => m.clientId === clientId)).toHaveLength(1)
    for (const { clientId: id, code } of answers) {
      if (code === 'ok') expect(count(id), `${id} answered ok`).toBe(1)
      if (code === 'store_unavailable') expect(count(id), `${id} answered "nothing was saved"`).toBe(0)
      if (code === 'outcome_unknown') expect(count(id)).toBeLessThanOrEqual(1)
    }
    // The first send of the partition waits on a connection that never answers past the 5 s
    // statement timeout: at least it was refused, one way or the other.
    expect(codes.some((code) => code === 'store_unavailable' || code === 'outcome_unknown')).toBe(true)
  })
})
