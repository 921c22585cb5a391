import { createClient, type Client, type Message, type Room } from '@roomful/sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { modesToTest } from '../support/modes.js'
import { startTestServer, type TestServer } from '../support/test-server.js'
import { mintUserToken } from '../support/tokens.js'
import { WsTestClient } from '../support/ws-client.js'

const modes = await modesToTest()
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe.each(modes)('an SDK client whose token expires on an open socket (%s)', (mode) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(mode, { env: { TOKEN_REFRESH_WINDOW_MS: '200' } })
  })
  afterAll(async () => server?.stop())

  it('is closed with 4100, fetches a fresh token through getToken, and misses no message', async () => {
    const room = (await (
      await fetch(`${server.url}/v1/apps/${server.app.id}/rooms`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${await server.token('bob')}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'expiring' }),
      })
    ).json()) as { id: string }

    // Every token lives one second: the socket is closed with 4100 and replaced repeatedly.
    let issued = 0
    const getToken = async () => {
      issued++
      return mintUserToken(
        server.app.id,
        server.app.secret,
        { sub: 'alice' },
        {
          expiresIn: Math.floor(Date.now() / 1000) + 1,
        },
      )
    }
    const client: Client = createClient({
      url: server.url,
      appId: server.app.id,
      getToken,
      WebSocket,
      backoff: { min: 20, max: 100 },
    })
    const alice: Room = client.room(room.id)
    const seen: Message[] = []
    alice.on('message', (m) => seen.push(m))
    await alice.join()

    const bob = await WsTestClient.authed(server.url, server.app.id, await server.token('bob'))
    await bob.request('join', { room: room.id })
    const sent: string[] = []
    for (let i = 0; i < 40; i++) {
      const text = `tick ${i}`
      expect((await bob.request('send', { room: room.id, clientId: `c${i}`, text })).error).toBe(undefined)
      sent.push(text)
      await sleep(100)
    }
    await expect
      .poll(() => seen.filter((m) => m.kind === 'text').map((m) => m.text), { timeout: 15_000 })
      .toEqual(sent)
    expect(issued).toBeGreaterThanOrEqual(3)
    const seqs = seen.map((m) => m.seq)
    expect(new Set(seqs).size).toBe(seqs.length)
    await bob.close()
    client.close()
  })
})
