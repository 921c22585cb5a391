import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JoinResult, Message, ServerFrame } from '@roomful/sdk/protocol'
import { modesToTest } from '../support/modes.js'
import { createRoom as createRoomAt } from '../support/rooms.js'
import { startTestServer, TEST_LIMITS, type TestServer } from '../support/test-server.js'
import { WsTestClient } from '../support/ws-client.js'

const modes = await modesToTest()
const GRACE = TEST_LIMITS.presenceGraceMs

/** What a watcher could notice about `userId`: presence deltas and join/leave notices. */
const noticed = (watcher: WsTestClient, userId: string) =>
  watcher.frames.filter(
    (f: ServerFrame) =>
      (f.type === 'presence' && f.user.id === userId) ||
      (f.type === 'message' && f.message.kind === 'notice' && f.message.user.id === userId),
  )

describe.each(modes)('a socket that closes without leaving (%s)', (mode) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(mode)
  })
  afterAll(async () => server?.stop())

  const connect = async (sub: string) =>
    WsTestClient.authed(server.url, server.app.id, await server.token(sub))
  const roomWith = async (label: string) => {
    const room = await createRoomAt(server.url, server.app.id, await server.token('creator'), label)
    const watcher = await connect(`watcher-${label}`)
    await watcher.request('join', { room: room.id })
    const ann = await connect('ann')
    await ann.request('join', { room: room.id })
    await watcher.waitFor((f) => f.type === 'presence' && f.user.id === 'ann' && f.action === 'join')
    // The join notice is stored like a message, so it may trail the delta: let it arrive.
    await watcher.waitFor(
      (f) => f.type === 'message' && f.message.notice === 'join' && f.message.user.id === 'ann',
    )
    watcher.frames.length = 0
    return { roomId: room.id, watcher, ann }
  }

  it('shows nothing to others when the user is back in the room within the grace period', async () => {
    const { roomId, watcher, ann } = await roomWith('back')
    ann.terminate() // the network dropped: no close frame, no leave
    await ann.closed
    // Meanwhile the user is still here, for newcomers too.
    const newcomer = await connect('newcomer')
    const joined = await newcomer.request<JoinResult>('join', { room: roomId })
    expect(joined.result!.presence.users.map((u) => u.id)).toContain('ann')
    const back = await connect('ann')
    await back.request('join', { room: roomId })
    await new Promise((resolve) => setTimeout(resolve, GRACE + 500))
    await watcher.request('ping')
    expect(noticed(watcher, 'ann')).toEqual([])
    const history = await back.request<{ messages: Message[] }>('history', { room: roomId })
    expect(history.result!.messages.filter((m) => m.user.id === 'ann').map((m) => m.notice)).toEqual(['join'])
    await Promise.all([watcher.close(), newcomer.close(), back.close()])
  })

  it('shows the leave, notice included, once the grace period has passed without them', async () => {
    const { watcher, ann } = await roomWith('gone')
    const closedAt = Date.now()
    ann.terminate()
    const leave = await watcher.waitFor(
      (f) => f.type === 'presence' && f.action === 'leave' && f.user.id === 'ann',
    )
    const after = Date.now() - closedAt
    expect(leave).toMatchObject({ total: 1 })
    expect(after).toBeGreaterThanOrEqual(GRACE)
    await watcher.waitFor(
      (f) => f.type === 'message' && f.message.notice === 'leave' && f.message.user.id === 'ann',
    )
    console.log(`${mode}: a dropped socket's user left ${after} ms after the drop (grace ${GRACE} ms)`)
    await watcher.close()
  })

  it('shows a leave request at once', async () => {
    const { roomId, watcher, ann } = await roomWith('left')
    const leftAt = Date.now()
    await ann.request('leave', { room: roomId })
    await watcher.waitFor((f) => f.type === 'presence' && f.action === 'leave' && f.user.id === 'ann')
    expect(Date.now() - leftAt).toBeLessThan(GRACE)
    await Promise.all([watcher.close(), ann.close()])
  })
})
