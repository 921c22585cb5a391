import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { modesToTest } from '../support/modes.js'
import { createRoom } from '../support/rooms.js'
import { dropRedisPrefix, freshMysqlDatabase, TEST_REDIS_URL, uniquePrefix } from '../support/services.js'
import { startBackend, type BackendProcess } from '../support/start-backend.js'
import { mintUserToken } from '../support/tokens.js'
import { WsTestClient } from '../support/ws-client.js'
import type { Mode } from '../support/test-server.js'

const ADMIN_KEY = 'admin-key-for-hostile-ids-0123456789'
const LONG_ID = 'a'.repeat(300)

/** Log lines at error level (50) or above that the node printed. */
const errorLines = (node: BackendProcess) =>
  node
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; msg: string })
    .filter((line) => line.level >= 50)

async function productionEnv(): Promise<{ env: Record<string, string>; cleanup(): Promise<void> }> {
  const database = await freshMysqlDatabase()
  const prefix = uniquePrefix('hostile-ids')
  return {
    env: { MYSQL_URL: database.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix },
    async cleanup() {
      await database.drop()
      await dropRedisPrefix(prefix)
    },
  }
}

/**
 * Ids that cannot exist, sent by anyone, to a node run as operators run it: each gets its
 * documented refusal, and nothing in the node's own output says something went wrong.
 */
describe.each(await modesToTest())('ids outside their alphabet or length (%s node)', (mode: Mode) => {
  let node: BackendProcess
  let cleanup = async () => {}
  let appId: string
  let token: string
  beforeAll(async () => {
    const production = mode === 'production' ? await productionEnv() : null
    if (production) cleanup = production.cleanup
    node = await startBackend({ env: { ADMIN_KEY, ...production?.env } })
    appId = `ids${Date.now().toString(36)}`
    const res = await fetch(`${node.url}/v1/admin/apps`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: appId }),
    })
    expect(res.status).toBe(201)
    const { secret } = (await res.json()) as { secret: string }
    token = await mintUserToken(appId, secret, { sub: 'visitor' })
  })
  afterAll(async () => {
    await node?.stop()
    await cleanup()
  })

  it('refuses them all with 4003, 404 or bad_request and logs no error', async () => {
    for (const bad of ['é', LONG_ID]) {
      const socket = await WsTestClient.connect(node.url, bad)
      expect((await socket.closed).code, `?app=${bad.slice(0, 10)}`).toBe(4003)
      const rest = await fetch(`${node.url}/v1/apps/${bad}/rooms`)
      expect(rest.status, `GET /v1/apps/${bad.slice(0, 10)}/rooms`).toBe(404)
    }
    const roomId = (await createRoom(node.url, appId, token, 'real')).id
    const client = await WsTestClient.authed(node.url, appId, token)
    for (const room of ['é', LONG_ID, `${roomId}é`]) {
      expect((await client.request('join', { room })).error?.code).toBe('bad_request')
      const rest = await fetch(`${node.url}/v1/apps/${appId}/rooms/${encodeURIComponent(room)}/messages`, {
        headers: { Authorization: `Bearer ${token}` },
      })
      expect(rest.status).toBe(404)
    }
    // The real room still works for the same connection.
    expect((await client.request('join', { room: roomId })).error).toBeUndefined()
    await client.close()
    // A last round trip, then a moment for the node's output to reach the pipe.
    await fetch(`${node.url}/readyz`)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(errorLines(node), node.output()).toEqual([])
    expect(node.output()).not.toMatch(/collation|unable to load the app/i)
  })
})
