import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { RowDataPacket } from 'mysql2/promise'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Client, LobbyEvent, Room, RoomInfo } from '@roomful/sdk'
import type { Page, RankingBoard, Report } from '@roomful/sdk/protocol'
import { adminClient, TEST_ADMIN_KEY } from '../support/admin-client.js'
import { startCluster, timeUntil, type Cluster } from '../support/cluster.js'
import { createRoom } from '../support/rooms.js'
import { servicesAvailable, TEST_REDIS_URL } from '../support/services.js'
import { WsTestClient } from '../support/ws-client.js'
import { mintUserToken } from '../support/tokens.js'

const available = await servicesAvailable()
const ADMIN = fileURLToPath(new URL('../../dist/cli/admin.js', import.meta.url))

describe.runIf(available)('room settings, room delete and reports across two production nodes', () => {
  let cluster: Cluster
  let a: string
  let b: string
  beforeAll(async () => {
    cluster = await startCluster({ nodes: 2, redisUrl: TEST_REDIS_URL, env: { ADMIN_KEY: TEST_ADMIN_KEY } })
    ;[a, b] = cluster.nodes.map((n) => n.url) as [string, string]
  }, 90_000)
  afterAll(async () => cluster?.close())

  const backoff = { min: 50, max: 200 }
  const moderatorToken = (sub: string) =>
    mintUserToken(cluster.app.id, cluster.app.secret, { sub, name: sub, role: 'moderator' })
  const moderator = async (url: string, sub = 'mod') =>
    cluster.client(url, sub, { token: await moderatorToken(sub), backoff })
  const joined = async (client: Client, roomId: string): Promise<Room> => {
    const room = client.room(roomId)
    await room.join()
    return room
  }
  const newRoom = async (name: string) => createRoom(a, cluster.app.id, await cluster.token('owner'), name)
  /** REST under the app with `token` as the bearer. */
  const rest = async <T>(url: string, method: string, path: string, token: string, body?: unknown) => {
    const res = await fetch(`${url}/v1/apps/${cluster.app.id}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body !== undefined && { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return {
      status: res.status,
      body: (res.status === 204 ? {} : await res.json()) as T & { error?: { code: string } },
    }
  }
  const listed = async (url: string) =>
    (await cluster.get<Page<RoomInfo>>(url, '/rooms?limit=100')).body.items.map((r) => r.id)
  const ranked = async (url: string) =>
    (await cluster.get<RankingBoard>(url, '/ranking')).body.entries.map((e) => e.roomId)

  it('slow mode set by a moderator on node A: a user on node B gets slow_mode on a second send within 2 s, on either node, and succeeds after', async () => {
    const info = await newRoom('slow')
    const mod = await moderator(a)
    const modRoom = await joined(mod, info.id)
    const bob = await joined(await cluster.client(b, 'bob', { backoff }), info.id)
    const bobOnA = await joined(await cluster.client(a, 'bob', { backoff }), info.id)
    const seen: RoomInfo[] = []
    let seenAt = 0
    bob.on('settings', (room) => {
      seen.push(room)
      seenAt ||= Date.now()
    })

    const started = Date.now()
    const updated = await mod.moderation.updateRoom(info.id, { slowModeSeconds: 2 })
    expect(updated).toMatchObject({ id: info.id, slowModeSeconds: 2, readOnly: false, archived: false })
    await timeUntil(() => seen.length > 0, 2_000)
    const liveMs = seenAt - started
    expect(liveMs).toBeLessThan(2_000)
    expect(seen[0]).toMatchObject({ slowModeSeconds: 2 })
    expect(bob.info).toMatchObject({ slowModeSeconds: 2 })

    await bob.send({ text: 'first' })
    const refused = await bob.send({ text: 'second' }).catch((err: unknown) => err)
    expect(refused).toMatchObject({ code: 'slow_mode' })
    const retryAfterMs = (refused as { retryAfterMs: number }).retryAfterMs
    expect(retryAfterMs).toBeGreaterThan(0)
    expect(retryAfterMs).toBeLessThanOrEqual(2_000)
    expect((refused as Error).message).toMatch(/wait \d+ s/)
    // The same user on the other node shares the window.
    await expect(bobOnA.send({ text: 'from the other node' })).rejects.toMatchObject({ code: 'slow_mode' })
    // Moderators are exempt.
    await modRoom.send({ text: 'mod one' })
    await modRoom.send({ text: 'mod two' })

    await new Promise((resolve) => setTimeout(resolve, retryAfterMs + 100))
    const third = await bob.send({ text: 'third, after waiting' })
    expect(third.text).toBe('third, after waiting')
    console.log(
      `slow mode set on node A → told to node B's member in ${liveMs} ms (${Date.now() - started} ms in all)`,
    )
  }, 30_000)

  it('read-only over REST: plain users get read_only, moderators still send; the admin key turns it off', async () => {
    const info = await newRoom('quiet')
    const mod = await joined(await moderator(a), info.id)
    const carol = await joined(await cluster.client(b, 'carol', { backoff }), info.id)
    const changed = await rest<RoomInfo>(b, 'PATCH', `/rooms/${info.id}`, await moderatorToken('mod'), {
      readOnly: true,
    })
    expect(changed).toMatchObject({ status: 200, body: { readOnly: true } })
    await timeUntil(() => carol.info?.readOnly === true, 2_000)
    await expect(carol.send({ text: 'may I?' })).rejects.toMatchObject({ code: 'read_only' })
    await expect(mod.send({ text: 'announcement' })).resolves.toMatchObject({ text: 'announcement' })

    const admin = adminClient(a)
    const off = await admin('PATCH', `/apps/${cluster.app.id}/rooms/${info.id}`, { readOnly: false })
    expect(off).toMatchObject({ status: 200, body: { readOnly: false } })
    await timeUntil(() => carol.info?.readOnly === false, 2_000)
    await expect(carol.send({ text: 'thanks' })).resolves.toMatchObject({ text: 'thanks' })
  }, 30_000)

  it('archive hides the room from the list and the ranking and refuses sends, history stays readable; unarchive brings it back', async () => {
    const info = await newRoom('old news')
    const mod = await moderator(a)
    const daveClient = await cluster.client(b, 'dave', { backoff })
    const dave = await joined(daveClient, info.id)
    // Dave also watches the lobby: he gets each change twice (room and lobby), applies it once.
    const lobby: LobbyEvent[] = []
    daveClient.rooms.watch((e) => lobby.push(e))
    const settings: RoomInfo[] = []
    dave.on('settings', (room) => settings.push(room))
    await dave.send({ text: 'before the archive' })
    await timeUntil(async () => (await ranked(b)).includes(info.id), 10_000)
    expect(await listed(b)).toContain(info.id)

    await mod.moderation.updateRoom(info.id, { archived: true })
    await timeUntil(() => dave.info?.archived === true, 2_000)
    expect(await listed(b)).not.toContain(info.id)
    expect(await listed(a)).not.toContain(info.id)
    await timeUntil(async () => !(await ranked(b)).includes(info.id), 10_000)
    await expect(dave.send({ text: 'into the archive' })).rejects.toMatchObject({ code: 'room_archived' })
    const history = await cluster.get<{ messages: { text: string }[] }>(b, `/rooms/${info.id}/messages`)
    expect(history.status).toBe(200)
    expect(history.body.messages.map((m) => m.text)).toContain('before the archive')
    expect((await cluster.get<RoomInfo>(a, `/rooms/${info.id}`)).body).toMatchObject({ archived: true })
    // A newcomer can still join the archived room and read it.
    const reader = (await cluster.client(a, 'reader', { backoff })).room(info.id)
    const page = await reader.join()
    expect(page.room).toMatchObject({ archived: true })
    expect(page.messages.map((m) => m.text)).toContain('before the archive')

    await mod.moderation.updateRoom(info.id, { archived: false })
    await timeUntil(() => dave.info?.archived === false, 2_000)
    expect(await listed(b)).toContain(info.id)
    await timeUntil(async () => (await ranked(a)).includes(info.id), 10_000)
    await expect(dave.send({ text: 'back again' })).resolves.toMatchObject({ text: 'back again' })
    const changes = lobby.filter((e) => e.type === 'room.updated' && e.room.id === info.id)
    expect(changes.map((e) => (e as { room: RoomInfo }).room.archived)).toEqual([true, false])
    expect(settings.map((r) => r.archived)).toEqual([true, false])
  }, 40_000)

  it('delete removes the room: members on node B get room.deleted, MySQL keeps none of its messages, later joins get room_not_found', async () => {
    const info = await newRoom('doomed')
    const mod = await moderator(a)
    const eve = await joined(await cluster.client(b, 'eve', { backoff }), info.id)
    const lobby: LobbyEvent[] = []
    ;(await cluster.client(b, 'lobbyist', { backoff })).rooms.watch((e) => lobby.push(e))
    const frank = await joined(await cluster.client(a, 'frank', { backoff }), info.id)
    const sent = await eve.send({ text: 'soon gone' })
    await eve.report(sent.id, 'spam')
    await timeUntil(async () => (await ranked(b)).includes(info.id), 10_000)
    let eveDeleted = 0
    let deletedAt = 0
    eve.on('deleted', () => {
      eveDeleted++
      deletedAt ||= Date.now()
    })
    const count = async (table: string, column = 'room_id') =>
      Number(
        (
          await cluster.query<RowDataPacket>(
            `SELECT COUNT(*) AS n FROM ${table} WHERE app_id = ? AND ${column} = ?`,
            [cluster.app.id, info.id],
          )
        )[0]!.n,
      )
    expect(await count('messages')).toBeGreaterThan(0)

    const started = Date.now()
    await mod.moderation.deleteRoom(info.id)
    await timeUntil(() => eveDeleted === 1 && frank.status === 'failed', 2_000)
    const liveMs = deletedAt - started
    expect(eve.status).toBe('failed')
    expect(eve.joined).toBe(false)
    expect([await count('messages'), await count('reports'), await count('rooms', 'id')]).toEqual([0, 0, 0])
    expect((await cluster.get(b, `/rooms/${info.id}`)).status).toBe(404)
    await timeUntil(() => lobby.some((e) => e.type === 'room.deleted' && e.room.id === info.id), 2_000)
    await timeUntil(async () => !(await ranked(b)).includes(info.id), 10_000)
    expect((await cluster.get<{ total: number }>(a, `/rooms/${info.id}/messages`)).status).toBe(404)
    const late = (await cluster.client(b, 'grace', { backoff })).room(info.id)
    await expect(late.join()).rejects.toMatchObject({ code: 'room_not_found' })
    console.log(
      `room deleted on node A → its members on node B out of it in ${liveMs} ms (${Date.now() - started} ms)`,
    )
  }, 30_000)

  it('plain users get forbidden on every moderation op, over the socket and REST, and nothing changes', async () => {
    const info = await newRoom('guarded')
    const mallory = await cluster.client(b, 'mallory', { backoff })
    await joined(mallory, info.id)
    await expect(mallory.moderation.updateRoom(info.id, { readOnly: true })).rejects.toMatchObject({
      code: 'forbidden',
    })
    await expect(mallory.moderation.deleteRoom(info.id)).rejects.toMatchObject({ code: 'forbidden' })
    await expect(mallory.moderation.reports()).rejects.toMatchObject({ code: 'forbidden' })
    await expect(mallory.moderation.resolveReport('rep_any')).rejects.toMatchObject({ code: 'forbidden' })
    const token = await cluster.token('mallory')
    const answers = [
      await rest(a, 'PATCH', `/rooms/${info.id}`, token, { archived: true }),
      await rest(a, 'DELETE', `/rooms/${info.id}`, token),
      await rest(a, 'GET', '/reports', token),
      await rest(a, 'POST', '/reports/rep_any/resolve', token),
    ]
    expect(answers.map((r) => [r.status, r.body.error?.code])).toEqual(Array(4).fill([403, 'forbidden']))
    expect((await cluster.get<RoomInfo>(b, `/rooms/${info.id}`)).body).toMatchObject({
      readOnly: false,
      archived: false,
      slowModeSeconds: 0,
    })
  }, 30_000)

  it('reports: a member reports (twice gets one), a moderator lists the open ones and resolves, admin REST lists and resolves too', async () => {
    const info = await newRoom('reported')
    const spammer = await joined(await cluster.client(a, 'spammer', { backoff }), info.id)
    const carol = await joined(await cluster.client(b, 'carol2', { backoff }), info.id)
    const spam = await spammer.send({ text: 'buy cheap pills' })
    const other = await spammer.send({ text: 'more spam' })

    const report = await carol.report(spam.id, 'spam')
    expect(report).toMatchObject({
      roomId: info.id,
      messageId: spam.id,
      reportedBy: 'carol2',
      reason: 'spam',
      status: 'open',
    })
    expect(await carol.report(spam.id, 'said twice')).toEqual(report)
    const viaRest = await rest<Report>(
      a,
      'POST',
      `/rooms/${info.id}/messages/${other.id}/report`,
      await cluster.token('carol2'),
      {
        reason: 'also spam',
      },
    )
    expect(viaRest).toMatchObject({ status: 200, body: { messageId: other.id } })
    await expect(carol.report(spam.id, 'x'.repeat(501))).rejects.toMatchObject({ code: 'bad_request' })
    // Guests read (this app allows them) but do not report.
    const guest = await WsTestClient.connect(b, cluster.app.id)
    expect((await guest.request('auth', { guest: true })).error).toBeUndefined()
    const refused = await guest.request('report', { room: info.id, messageId: spam.id, reason: 'spam' })
    expect(refused.error).toMatchObject({ code: 'guest_read_only' })
    await guest.close()
    await expect(carol.report('m_missing', 'spam')).rejects.toMatchObject({ code: 'not_found' })

    const mod = await moderator(a)
    const open = await mod.moderation.reports()
    expect(open.items.map((r) => r.id)).toEqual([viaRest.body.id, report.id])
    expect(open.items[1]!.message).toMatchObject({ id: spam.id, text: 'buy cheap pills' })
    const resolved = await mod.moderation.resolveReport(report.id)
    expect(resolved).toMatchObject({ id: report.id, status: 'resolved', resolvedBy: 'mod' })
    expect((await mod.moderation.reports()).items.map((r) => r.id)).toEqual([viaRest.body.id])
    expect((await mod.moderation.reports({ status: 'resolved' })).items.map((r) => r.id)).toEqual([report.id])

    const admin = adminClient(b)
    const adminList = await admin<Page<Report>>('GET', `/apps/${cluster.app.id}/reports?status=open`)
    expect(adminList.body.items.map((r) => r.id)).toEqual([viaRest.body.id])
    const adminResolved = await admin('POST', `/apps/${cluster.app.id}/reports/${viaRest.body.id}/resolve`)
    expect(adminResolved).toMatchObject({ status: 200, body: { status: 'resolved', resolvedBy: 'admin' } })
    expect((await mod.moderation.reports()).items).toEqual([])
    expect((await carol.report(spam.id, 'spam')).status).toBe('resolved')
  }, 30_000)

  it('the admin CLI changes a room live on every node, lists and resolves reports, and deletes the room', async () => {
    const cli = async (...args: string[]) =>
      (
        await promisify(execFile)(process.execPath, [ADMIN, ...args], {
          env: {
            ...process.env,
            MYSQL_URL: cluster.databaseUrl,
            REDIS_URL: TEST_REDIS_URL,
            REDIS_PREFIX: cluster.env.REDIS_PREFIX,
          },
        })
      ).stdout
    const info = await newRoom('operated')
    const onA = await joined(await cluster.client(a, 'ivan', { backoff }), info.id)
    const onB = await joined(await cluster.client(b, 'judy', { backoff }), info.id)
    const spam = await onA.send({ text: 'report me' })
    const report = await onB.report(spam.id, 'rude')

    const printed = JSON.parse(
      await cli('update-room', cluster.app.id, info.id, '--slow-mode', '30', '--read-only'),
    )
    expect(printed).toMatchObject({ id: info.id, slowModeSeconds: 30, readOnly: true, archived: false })
    await timeUntil(() => onA.info?.readOnly === true && onB.info?.slowModeSeconds === 30, 2_000)
    await expect(onB.send({ text: 'hello?' })).rejects.toMatchObject({ code: 'read_only' })
    await cli('update-room', cluster.app.id, info.id, '--no-read-only', '--slow-mode', '0')
    await timeUntil(() => onB.info?.readOnly === false, 2_000)
    await expect(onB.send({ text: 'hello!' })).resolves.toMatchObject({ text: 'hello!' })

    expect(await cli('list-reports', cluster.app.id)).toContain(`${report.id}\topen`)
    expect(JSON.parse(await cli('resolve-report', cluster.app.id, report.id))).toMatchObject({
      status: 'resolved',
      resolvedBy: 'admin',
    })
    expect(await cli('list-reports', cluster.app.id, '--resolved')).toContain(report.id)

    expect(await cli('delete-room', cluster.app.id, info.id)).toContain(`deleted ${info.id}`)
    await timeUntil(() => onA.status === 'failed' && onB.status === 'failed', 2_000)
    expect((await cluster.get(b, `/rooms/${info.id}`)).status).toBe(404)
    await expect(cli('update-room', cluster.app.id, info.id, '--archive')).rejects.toThrow(/no room/)
  }, 30_000)

  it('every room and report action of this suite is in the audit log, with who did it', async () => {
    const admin = adminClient(a)
    const page = await admin<{
      entries: { action: string; actor: string; roomId: string | null; details: unknown }[]
    }>('GET', `/apps/${cluster.app.id}/audit?limit=100`)
    expect(page.status).toBe(200)
    const seen = page.body.entries.map((e) => `${e.action} by ${e.actor}`)
    expect(seen).toEqual(
      expect.arrayContaining([
        'room.update by mod',
        'room.update by admin',
        'room.delete by mod',
        'report.resolve by mod',
        'report.resolve by admin',
      ]),
    )
    expect(page.body.entries.find((e) => e.action === 'room.update' && e.actor === 'admin')).toMatchObject({
      details: { settings: { readOnly: false } },
    })
    // Refused attempts changed nothing, so they are not there.
    expect(page.body.entries.filter((e) => e.actor === 'mallory')).toEqual([])
  })
})
