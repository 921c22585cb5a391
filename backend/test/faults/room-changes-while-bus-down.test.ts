import { afterAll, describe, expect, it } from 'vitest'
import type { Room } from '@roomful/sdk'
import { startCluster, timeUntil, type Cluster } from '../support/cluster.js'
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.js'
import { servicesAvailable } from '../support/services.js'
import { mintUserToken } from '../support/tokens.js'

const available = await servicesAvailable()
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe.runIf(available)('rooms changed by a moderator while Redis is down', () => {
  let redis: PrivateRedis | undefined
  let cluster: Cluster | undefined
  afterAll(async () => {
    await cluster?.close()
    await redis?.close()
  })

  it('members on the other node are told of the delete and the new settings within 2 s of Redis answering', async () => {
    redis = await startPrivateRedis()
    cluster = await startCluster({ nodes: 2, redisUrl: redis.url })
    const c = cluster
    const [a, b] = c.nodes.map((n) => n.url) as [string, string]
    const token = await mintUserToken(c.app.id, c.app.secret, { sub: 'mod', name: 'mod', role: 'moderator' })
    const mod = await c.client(a, 'mod', { token })
    const doomed = await mod.rooms.create({ name: 'doomed' })
    const locked = await mod.rooms.create({ name: 'locked' })
    await mod.room(locked.id).join() // the moderator's socket is open before Redis goes

    const member = await c.client(b, 'bea')
    const rooms: Room[] = [member.room(doomed.id), member.room(locked.id)]
    for (const room of rooms) await room.join()
    const [inDoomed, inLocked] = rooms as [Room, Room]
    let deleted = false
    inDoomed.on('deleted', () => (deleted = true))

    await redis.stop()
    await mod.moderation.deleteRoom(doomed.id)
    await mod.moderation.updateRoom(locked.id, { readOnly: true })
    await sleep(1_000)
    expect(deleted).toBe(false) // no bus, no other way there yet: nothing faked
    expect(inLocked.info?.readOnly).toBe(false)

    await redis.start()
    const answeredAt = Date.now()
    await timeUntil(() => deleted && inLocked.info?.readOnly === true, 10_000)
    const ms = Date.now() - answeredAt
    console.log(`room changes made while Redis was down reached the other node ${ms} ms after Redis answered`)
    expect(ms).toBeLessThanOrEqual(2_000)
  })
})
