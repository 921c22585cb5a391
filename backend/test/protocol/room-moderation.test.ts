import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { Webhook } from 'standardwebhooks'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, type Client, type Room, type RoomInfo } from '@roomful/sdk'
import type { Message, Page, RankingBoard } from '@roomful/sdk/protocol'
import { adminClient, TEST_ADMIN_KEY } from '../support/admin-client.js'
import { timeUntil } from '../support/cluster.js'
import { modesToTest } from '../support/modes.js'
import { createRoom } from '../support/rooms.js'
import { startTestServer, type TestServer } from '../support/test-server.js'
import { mintUserToken } from '../support/tokens.js'
import { WebhookReceiver } from '../support/webhook-receiver.js'

/** The same basics as the cluster test (backend/test/cluster/room-settings.test.ts), on one
 * node of each mode: embedded always, production when MariaDB and Redis answer. */
describe.each(await modesToTest())('room settings, room delete and reports (%s)', (mode) => {
  let server: TestServer
  let receiver: WebhookReceiver
  const clients: Client[] = []
  let attachmentsDir: string
  beforeAll(async () => {
    attachmentsDir = await mkdtemp(join(tmpdir(), 'roomful-room-delete-'))
    server = await startTestServer(mode, {
      env: { ADMIN_KEY: TEST_ADMIN_KEY, WEBHOOK_ALLOW_LOOPBACK: 'true', ATTACHMENTS_DIR: attachmentsDir },
    })
    receiver = await WebhookReceiver.start()
  })
  afterAll(async () => {
    for (const client of clients) client.close()
    await server?.stop()
    await receiver?.stop()
    await rm(attachmentsDir, { recursive: true, force: true })
  })

  const client = async (sub: string, role?: 'moderator') => {
    const token = await mintUserToken(server.app.id, server.app.secret, { sub, role })
    const made = createClient({
      url: server.url,
      appId: server.app.id,
      token,
      WebSocket,
      backoff: { min: 50, max: 200 },
    })
    clients.push(made)
    return made
  }
  const joined = async (c: Client, roomId: string): Promise<Room> => {
    const room = c.room(roomId)
    await room.join()
    return room
  }
  const newRoom = async (name: string) =>
    createRoom(server.url, server.app.id, await server.token('owner'), name)
  const get = async <T>(path: string) => {
    const res = await fetch(`${server.url}/v1/apps/${server.app.id}${path}`, {
      headers: { Authorization: `Bearer ${await server.token('probe')}` },
    })
    return { status: res.status, body: (await res.json()) as T }
  }

  it('slow mode and read-only refuse plain users with their codes and let moderators through', async () => {
    const info = await newRoom('settings')
    const mod = await client('mod', 'moderator')
    const modRoom = await joined(mod, info.id)
    const user = await joined(await client('user'), info.id)

    await mod.moderation.updateRoom(info.id, { slowModeSeconds: 1 })
    await timeUntil(() => user.info?.slowModeSeconds === 1, 10_000)
    await user.send({ text: 'one' })
    const refused = await user.send({ text: 'two' }).catch((err: unknown) => err)
    expect(refused).toMatchObject({ code: 'slow_mode', retryable: true })
    const wait = (refused as { retryAfterMs: number }).retryAfterMs
    expect(wait).toBeGreaterThan(0)
    await modRoom.send({ text: 'mod a' })
    await modRoom.send({ text: 'mod b' })
    await new Promise((resolve) => setTimeout(resolve, wait + 50))
    await expect(user.send({ text: 'three' })).resolves.toMatchObject({ text: 'three' })

    const both = await mod.moderation.updateRoom(info.id, { slowModeSeconds: 0, readOnly: true })
    expect(both).toMatchObject({ slowModeSeconds: 0, readOnly: true, archived: false })
    await timeUntil(() => user.info?.readOnly === true, 10_000)
    await expect(user.send({ text: 'four' })).rejects.toMatchObject({ code: 'read_only' })
    await expect(modRoom.send({ text: 'mod c' })).resolves.toMatchObject({ text: 'mod c' })
    expect((await get<RoomInfo>(`/rooms/${info.id}`)).body).toMatchObject({
      readOnly: true,
      slowModeSeconds: 0,
    })
  })

  it('archive hides the room from the list and the ranking and refuses sends; history stays; unarchive undoes it', async () => {
    const info = await newRoom('archive me')
    const mod = await client('mod2', 'moderator')
    const user = await joined(await client('user2'), info.id)
    const kept = await user.send({ text: 'kept' })
    const doomed = await user.send({ text: 'to be cleaned up' })
    const listed = async () => (await get<Page<RoomInfo>>('/rooms?limit=100')).body.items.map((r) => r.id)
    const ranked = async () => (await get<RankingBoard>('/ranking')).body.entries.map((e) => e.roomId)
    await timeUntil(async () => (await ranked()).includes(info.id), 10_000)

    await mod.moderation.updateRoom(info.id, { archived: true })
    expect(await listed()).not.toContain(info.id)
    await timeUntil(async () => !(await ranked()).includes(info.id), 10_000)
    await timeUntil(() => user.info?.archived === true, 10_000)
    await expect(user.send({ text: 'nope' })).rejects.toMatchObject({ code: 'room_archived' })
    // No edits either, over the socket or REST; deletes still clean up.
    await expect(user.edit(kept.id, 'rewritten')).rejects.toMatchObject({ code: 'room_archived' })
    const restEdit = await fetch(
      `${server.url}/v1/apps/${server.app.id}/rooms/${info.id}/messages/${kept.id}`,
      {
        method: 'PATCH',
        headers: {
          Authorization: `Bearer ${await server.token('user2')}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ text: 'rewritten' }),
      },
    )
    expect([restEdit.status, ((await restEdit.json()) as { error: { code: string } }).error.code]).toEqual([
      403,
      'room_archived',
    ])
    const modRoom = mod.room(info.id)
    await modRoom.join()
    await expect(modRoom.delete(doomed.id)).resolves.toMatchObject({ deletedBy: 'mod2' })
    const history = await get<{ messages: Message[] }>(`/rooms/${info.id}/messages`)
    expect(history.body.messages.map((m) => m.text)).toContain('kept')

    await mod.moderation.updateRoom(info.id, { archived: false })
    expect(await listed()).toContain(info.id)
    await timeUntil(async () => (await ranked()).includes(info.id), 10_000)
    await expect(user.send({ text: 'back' })).resolves.toMatchObject({ text: 'back' })
  })

  it('deletes a room: members get deleted and leave it, its history is gone, joins get room_not_found; admin REST deletes too', async () => {
    // A host endpoint that is down keeps the room's message bodies waiting for a retry.
    const down = await WebhookReceiver.start(() => ({ status: 503 }))
    const endpoint = await adminClient(server.url)('POST', `/apps/${server.app.id}/webhooks/endpoints`, {
      url: down.url,
      events: ['message.created'],
    })
    const info = await newRoom('doomed')
    const mod = await client('mod3', 'moderator')
    const user = await joined(await client('user3'), info.id)
    await user.send({ text: 'soon gone' })
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#c33' } })
      .png()
      .toBuffer()
    const uploaded = await fetch(`${server.url}/v1/apps/${server.app.id}/rooms/${info.id}/attachments`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${await server.token('user3')}`, 'Content-Type': 'image/png' },
      body: new Uint8Array(png),
    })
    expect(uploaded.status).toBe(201)
    const image = (await uploaded.json()) as { id: string }
    const file = join(attachmentsDir, server.app.id, image.id)
    expect(existsSync(file)).toBe(true)
    const bodies = () => server.drivers.webhookDeliveries.listForMessage(server.app.id, info.id)
    await timeUntil(async () => (await bodies()).some((d) => d.payload?.includes('soon gone')), 10_000)
    let deleted = 0
    user.on('deleted', () => deleted++)
    await mod.moderation.deleteRoom(info.id)
    await timeUntil(() => deleted === 1 && user.status === 'failed', 10_000)
    expect((await get(`/rooms/${info.id}/messages`)).status).toBe(404)
    await expect(joined(await client('user4'), info.id)).rejects.toMatchObject({ code: 'room_not_found' })
    await expect(mod.moderation.deleteRoom(info.id)).rejects.toMatchObject({ code: 'room_not_found' })
    expect(await server.drivers.messages.history(server.app.id, info.id, { limit: 10 })).toEqual([])
    // The image files went with the room, and the bodies still to be sent lost the text.
    expect(existsSync(file)).toBe(false)
    expect((await get(`/attachments/${image.id}`)).status).toBe(404)
    const waiting = await bodies()
    expect(waiting.length).toBeGreaterThan(0)
    expect(waiting.filter((d) => d.payload?.includes('soon gone'))).toEqual([])
    await adminClient(server.url)('DELETE', `/apps/${server.app.id}/webhooks/endpoints/${endpoint.body.id}`)
    await down.stop()

    const other = await newRoom('admin deletes')
    const admin = adminClient(server.url)
    expect((await admin('DELETE', `/apps/${server.app.id}/rooms/${other.id}`)).status).toBe(204)
    expect((await get(`/rooms/${other.id}`)).status).toBe(404)
  })

  it('plain users get forbidden on every moderation op', async () => {
    const info = await newRoom('guarded')
    const plain = await client('plain')
    await expect(plain.moderation.updateRoom(info.id, { readOnly: true })).rejects.toMatchObject({
      code: 'forbidden',
    })
    await expect(plain.moderation.deleteRoom(info.id)).rejects.toMatchObject({ code: 'forbidden' })
    await expect(plain.moderation.reports()).rejects.toMatchObject({ code: 'forbidden' })
    await expect(plain.moderation.resolveReport('rep_x')).rejects.toMatchObject({ code: 'forbidden' })
    expect((await get<RoomInfo>(`/rooms/${info.id}`)).body).toMatchObject({ readOnly: false })
  })

  it('a report is stored once, listed for moderators with its message, resolved, and sent as a signed message.reported webhook', async () => {
    const admin = adminClient(server.url)
    const endpoint = await admin<{ id: string; secret: string }>(
      'POST',
      `/apps/${server.app.id}/webhooks/endpoints`,
      {
        url: receiver.url,
        events: ['message.reported'],
      },
    )
    expect(endpoint.status).toBe(201)
    const info = await newRoom('reports')
    const spammer = await joined(await client('spammer'), info.id)
    const reporter = await joined(await client('reporter'), info.id)
    const spam = await spammer.send({ text: 'buy now' })

    const report = await reporter.report(spam.id, '  spam  ')
    expect(report).toMatchObject({
      messageId: spam.id,
      reportedBy: 'reporter',
      reason: 'spam',
      status: 'open',
    })
    expect(await reporter.report(spam.id, 'again')).toEqual(report)

    const [delivery] = await receiver.waitFor(1)
    const body = new Webhook(endpoint.body.secret).verify(delivery!.body, delivery!.headers) as {
      type: string
      data: { appId: string; roomId: string; report: { id: string; reason: string }; message: Message }
    }
    expect(body).toMatchObject({
      type: 'message.reported',
      data: {
        appId: server.app.id,
        roomId: info.id,
        report: { id: report.id, reason: 'spam' },
        message: { id: spam.id, text: 'buy now' },
      },
    })

    const mod = await client('mod5', 'moderator')
    const open = await mod.moderation.reports()
    expect(open.items.map((r) => r.id)).toContain(report.id)
    expect(open.items.find((r) => r.id === report.id)?.message).toMatchObject({ id: spam.id })
    expect(await mod.moderation.resolveReport(report.id)).toMatchObject({
      status: 'resolved',
      resolvedBy: 'mod5',
    })
    expect((await mod.moderation.reports()).items.map((r) => r.id)).not.toContain(report.id)
    // The repeat did not send a second webhook.
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(receiver.received).toHaveLength(1)
  })

  it('records every room and report action in the audit log', async () => {
    const page = await adminClient(server.url)<{ entries: { action: string; actor: string }[] }>(
      'GET',
      `/apps/${server.app.id}/audit?limit=100`,
    )
    const seen = page.body.entries.map((e) => `${e.action} by ${e.actor}`)
    expect(seen).toEqual(
      expect.arrayContaining([
        'room.update by mod',
        'room.delete by mod3',
        'room.delete by admin',
        'report.resolve by mod5',
      ]),
    )
    expect(seen.filter((e) => e.endsWith('by plain'))).toEqual([])
  })
})
