import { createClient, type Client, type Message, type WebSocketConstructor } from '@roomful/sdk'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { modesToTest } from '../../../backend/test/support/modes.js'
import { createRoom } from '../../../backend/test/support/rooms.js'
import { startTestServer, type TestServer } from '../../../backend/test/support/test-server.js'

// room.sendImage against the real backend: upload over REST, then an ordinary idempotent send.

const png = () =>
  sharp({ create: { width: 64, height: 48, channels: 4, background: '#3a7' } })
    .png()
    .toBuffer()

describe.each(await modesToTest())('room.sendImage (%s)', (mode) => {
  let server: TestServer
  const clients: Client[] = []
  beforeAll(async () => {
    server = await startTestServer(mode)
  })
  afterAll(async () => {
    for (const c of clients) c.close()
    await server?.stop()
  })
  const client = async (sub: string) => {
    const c = createClient({
      url: server.url,
      appId: server.app.id,
      token: await server.token(sub, sub),
      WebSocket: WebSocket as unknown as WebSocketConstructor,
    })
    clients.push(c)
    return c
  }

  it('uploads, sends an image message the other member receives, and refuses what the server refuses', async () => {
    const room = await createRoom(server.url, server.app.id, await server.token('creator'), 'pics')
    const alice = (await client('alice')).room(room.id)
    const bob = (await client('bob')).room(room.id)
    await Promise.all([alice.join(), bob.join()])
    const seen: Message[] = []
    bob.on('message', (m) => seen.push(m))

    const sent = await alice.sendImage(new Uint8Array(await png()))
    expect(sent).toMatchObject({
      kind: 'image',
      attachment: { contentType: 'image/png', width: 64, height: 48 },
    })
    await vi.waitFor(() => expect(seen.map((m) => m.id)).toContain(sent.id), { timeout: 10_000 })
    const image = await fetch(sent.attachment!.url)
    expect(image.headers.get('content-type')).toBe('image/png')

    await expect(
      alice.sendImage(new TextEncoder().encode('<html>not an image</html>')),
    ).rejects.toMatchObject({
      code: 'unsupported_media',
    })
    // Over the app's limit (checked by the SDK first, and by the server).
    await expect(alice.sendImage(new Uint8Array(5 * 1024 * 1024 + 1))).rejects.toMatchObject({
      code: 'payload_too_large',
    })
  })
})
