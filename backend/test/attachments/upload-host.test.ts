import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterEach, describe, expect, it } from 'vitest'
import type { Attachment, WireError } from '@roomful/sdk/protocol'
import { createRoom } from '../support/rooms.js'
import { startTestServer, type TestServer } from '../support/test-server.js'

/**
 * Attachment URLs are stored and loaded by every member's browser, so the uploader must not be
 * able to choose their host: PUBLIC_URL fixes it, or TRUSTED_HOSTS limits what the Host header
 * may say. (Production refuses to start with neither: test/operations/startup.test.ts.)
 */

const png = () =>
  sharp({ create: { width: 8, height: 8, channels: 3, background: '#3a6' } })
    .png()
    .toBuffer()

/** Uploads with a chosen Host header, which fetch does not allow. */
function uploadAs(
  server: TestServer,
  host: string,
  token: string,
  roomId: string,
  body: Buffer,
): Promise<{ status: number; json: Attachment & { error?: WireError } }> {
  const url = new URL(`${server.url}/v1/apps/${server.app.id}/rooms/${roomId}/attachments`)
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { Authorization: `Bearer ${token}`, Host: host } })
    req.on('response', (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as never }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

describe('the host in stored attachment URLs', () => {
  let server: TestServer | undefined
  let dir: string | undefined
  afterEach(async () => {
    await server?.stop()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  const start = async (env: Record<string, string>) => {
    dir = await mkdtemp(join(tmpdir(), 'roomful-upload-host-'))
    server = await startTestServer('embedded', { env: { ATTACHMENTS_DIR: dir, ...env } })
    const token = await server.token('uploader')
    const room = await createRoom(server.url, server.app.id, token, 'pictures')
    return { server, token, room }
  }

  it('with TRUSTED_HOSTS, refuses an upload naming another host and stores nothing', async () => {
    const { server, token, room } = await start({ TRUSTED_HOSTS: 'chat.example.com, 127.0.0.1:9' })
    const forged = await uploadAs(server, 'evil.test', token, room.id, await png())
    expect(forged.status).toBe(400)
    expect(forged.json.error).toEqual({
      code: 'bad_request',
      message: 'unable to accept the upload; the Host header is not one of TRUSTED_HOSTS',
    })
    expect(await readdir(dir!, { recursive: true })).toEqual([])

    const trusted = await uploadAs(server, 'Chat.Example.com', token, room.id, await png())
    expect(trusted.status).toBe(201)
    expect(trusted.json.url.startsWith('http://Chat.Example.com/v1/apps/')).toBe(true)
  })

  it('with PUBLIC_URL, ignores the Host header', async () => {
    const { server, token, room } = await start({ PUBLIC_URL: 'https://chat.example.com/' })
    const res = await uploadAs(server, 'evil.test', token, room.id, await png())
    expect(res.status).toBe(201)
    expect(res.json.url).toBe(`https://chat.example.com/v1/apps/${server.app.id}/attachments/${res.json.id}`)
  })
})
