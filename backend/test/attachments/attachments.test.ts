import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Attachment, JoinResult, Message, SendResult, WireError } from '@roomful/sdk/protocol'
import { modesToTest } from '../support/modes.js'
import { createRoom as createRoomAt } from '../support/rooms.js'
import { startTestServer, type TestServer } from '../support/test-server.js'
import { mintUserToken } from '../support/tokens.js'
import { WsTestClient } from '../support/ws-client.js'

const modes = await modesToTest()

/** A photo-like JPEG carrying EXIF with an artist and GPS position, which must not survive. */
const photoWithExif = () =>
  sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 200, g: 40, b: 90 } } })
    .withExif({
      IFD0: { Artist: 'Leaky Camera Owner', Copyright: 'exif-marker-123' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '37/1 33/1 59/1' },
    })
    .jpeg()
    .toBuffer()

/** Noise does not compress, so cutting the file in half really loses pixel rows. */
const noisyPng = () =>
  sharp({
    create: {
      width: 300,
      height: 300,
      channels: 3,
      background: '#000',
      noise: { type: 'gaussian', mean: 128, sigma: 40 },
    },
  })
    .png()
    .toBuffer()

/** Every file under `dir`, including temporaries, so a refused upload provably left nothing. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name))
}

describe.each(modes)('image attachments (%s)', (mode) => {
  let server: TestServer
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'roomful-attachments-test-'))
    server = await startTestServer(mode, { env: { ATTACHMENTS_DIR: dir } })
  })
  afterAll(async () => {
    await server?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  const createRoom = async (name: string) =>
    createRoomAt(server.url, server.app.id, await server.token('creator'), name)
  const connect = async (sub: string, name = sub) =>
    WsTestClient.authed(server.url, server.app.id, await server.token(sub, name))
  const upload = async (token: string, roomId: string, body: Uint8Array, appId = server.app.id) => {
    const res = await fetch(`${server.url}/v1/apps/${appId}/rooms/${roomId}/attachments`, {
      method: 'POST',
      // The client's claim is ignored: the type comes from the bytes.
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'image/png' },
      body: new Uint8Array(body),
    })
    const json = (await res.json()) as Attachment & { error?: WireError }
    return { status: res.status, json }
  }

  it('uploads a photo with its EXIF stripped, makes a thumbnail, and delivers the image message live and in history', async () => {
    const room = await createRoom('photos')
    const alice = await connect('alice', 'Alice')
    const bob = await connect('bob', 'Bob')
    await alice.request('join', { room: room.id })
    await bob.request('join', { room: room.id })

    const original = await photoWithExif()
    expect((await sharp(original).metadata()).exif).toBeDefined()
    expect(original.includes('exif-marker-123')).toBe(true)
    const { status, json: attachment } = await upload(await server.token('alice', 'Alice'), room.id, original)
    expect(status).toBe(201)
    expect(attachment).toMatchObject({ contentType: 'image/jpeg', width: 640, height: 480 })
    expect(attachment.id).toMatch(/^[A-Za-z0-9_-]{20,}$/)

    const full = await fetch(attachment.url)
    expect(full.status).toBe(200)
    expect(full.headers.get('content-type')).toBe('image/jpeg')
    expect(full.headers.get('x-content-type-options')).toBe('nosniff')
    expect(full.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(full.headers.get('content-security-policy')).toBe("default-src 'none'")
    const served = Buffer.from(await full.arrayBuffer())
    expect(served.length).toBe(attachment.bytes)
    const servedMeta = await sharp(served).metadata()
    expect(servedMeta.exif).toBeUndefined()
    expect(served.includes('exif-marker-123')).toBe(false)
    expect(served.includes('Leaky Camera Owner')).toBe(false)

    // The thumbnail is made off the request path; until then the full image stands in.
    let thumb: Response | undefined
    for (let i = 0; i < 100; i++) {
      thumb = await fetch(attachment.thumbnailUrl!)
      if (thumb.headers.get('content-type') === 'image/webp') break
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(thumb!.headers.get('content-type')).toBe('image/webp')
    expect(thumb!.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    const thumbMeta = await sharp(Buffer.from(await thumb!.arrayBuffer())).metadata()
    expect(Math.max(thumbMeta.width!, thumbMeta.height!)).toBe(320)

    const reply = await alice.request<SendResult>('send', {
      room: room.id,
      clientId: 'img-1',
      text: '',
      attachmentId: attachment.id,
    })
    expect(reply.error).toBeUndefined()
    const message = reply.result!.message
    expect(message).toMatchObject({ kind: 'image', text: '', attachment: { id: attachment.id, width: 640 } })
    const live = await bob.waitFor((f) => f.type === 'message' && f.message.seq === message.seq)
    expect(live.type === 'message' && live.message.attachment).toEqual(attachment)

    // A retried send returns the original, not a second message.
    const retry = await alice.request<SendResult>('send', {
      room: room.id,
      clientId: 'img-1',
      text: '',
      attachmentId: attachment.id,
    })
    expect(retry.result!.message.seq).toBe(message.seq)

    const carol = await connect('carol')
    const join = await carol.request<JoinResult>('join', { room: room.id })
    const images = join.result!.messages.filter((m: Message) => m.kind === 'image')
    expect(images).toHaveLength(1)
    expect(images[0]!.attachment).toEqual(attachment)
    for (const c of [alice, bob, carol]) c.socket.close()
  })

  it('refuses oversize files, HTML named .png, SVG and truncated images with clear codes, storing nothing', async () => {
    const room = await createRoom('refusals')
    const token = await server.token('mallory')
    const before = await filesUnder(dir)
    const png = await noisyPng()

    const oversize = Buffer.concat([png, Buffer.alloc(5 * 1024 * 1024)])
    const cases: Array<[string, Uint8Array, number, string]> = [
      ['oversize', oversize, 413, 'payload_too_large'],
      ['html as png', Buffer.from('<!doctype html><script>alert(1)</script>'), 415, 'unsupported_media'],
      [
        'svg',
        Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="9"/></svg>'),
        415,
        'unsupported_media',
      ],
      ['truncated png', png.subarray(0, Math.floor(png.length / 2)), 400, 'bad_request'],
      // A real PNG signature in front of something else is not a PNG either.
      ['png header on html', Buffer.concat([png.subarray(0, 8), Buffer.from('<html>')]), 400, 'bad_request'],
    ]
    for (const [label, body, status, code] of cases) {
      const res = await upload(token, room.id, body)
      expect({ label, status: res.status, code: res.json.error?.code }).toEqual({ label, status, code })
      expect(res.json.error!.message).toMatch(/^unable to/)
    }
    expect(await filesUnder(dir)).toEqual(before)

    // Without PUBLIC_URL the URLs use the Host header, so it must be a bare host[:port].
    const forged = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${server.url}/v1/apps/${server.app.id}/rooms/${room.id}/attachments`)
      const req = request(url, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, Host: 'evil.example/track?x=' },
      })
      req.on('response', (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on('error', reject)
      req.end(png)
    })
    expect(forged).toBe(400)
    expect(await filesUnder(dir)).toEqual(before)

    // Still works afterwards: nothing was left half-done.
    expect((await upload(token, room.id, png)).status).toBe(201)
  })

  it('keeps attachments inside their app, room and uploader', async () => {
    const room = await createRoom('private')
    const elsewhere = await createRoom('elsewhere')
    const aliceToken = await server.token('alice')
    const { json: attachment } = await upload(aliceToken, room.id, await noisyPng())

    // Another app's user: its token is not valid here, its own app has no such room or file.
    const outsider = await mintUserToken(server.other.id, server.other.secret, { sub: 'alice' })
    expect((await upload(outsider, room.id, await noisyPng())).status).toBe(401)
    expect((await upload(outsider, room.id, await noisyPng(), server.other.id)).json.error?.code).toBe(
      'room_not_found',
    )
    /** Joins `roomId` and sends alice's upload there as this socket's user. */
    const joinAndAttach = async (client: WsTestClient, roomId: string, clientId: string) => {
      await client.request('join', { room: roomId })
      return client.request<SendResult>('send', {
        room: roomId,
        clientId,
        text: '',
        attachmentId: attachment.id,
      })
    }
    const crossApp = await fetch(`${server.url}/v1/apps/${server.other.id}/attachments/${attachment.id}`)
    expect(crossApp.status).toBe(404)
    const crossThumb = await fetch(
      `${server.url}/v1/apps/${server.other.id}/attachments/${attachment.id}/thumbnail`,
    )
    expect(crossThumb.status).toBe(404)
    const outsiderSocket = await WsTestClient.connect(server.url, server.other.id)
    await outsiderSocket.request('auth', { token: outsider })
    const otherRoom = await createRoomAt(server.url, server.other.id, outsider, 'theirs')
    expect((await joinAndAttach(outsiderSocket, otherRoom.id, 'x')).error?.code).toBe('not_found')

    // Same app: another user cannot send alice's upload, nor can alice in another room.
    const bob = await connect('bob')
    const alice = await connect('alice')
    expect((await joinAndAttach(bob, room.id, 'steal')).error?.code).toBe('not_found')
    expect((await joinAndAttach(alice, elsewhere.id, 'move')).error?.code).toBe('not_found')

    // Uploading needs a member's token.
    const anonymous = await fetch(`${server.url}/v1/apps/${server.app.id}/rooms/${room.id}/attachments`, {
      method: 'POST',
      body: new Uint8Array(await noisyPng()),
    })
    expect(anonymous.status).toBe(401)
    for (const c of [outsiderSocket, bob, alice]) c.socket.close()
  })
})
