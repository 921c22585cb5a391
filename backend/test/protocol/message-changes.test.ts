import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChangeResult, HistoryResult, JoinResult, Message, SendResult } from '@roomful/sdk/protocol'
import { modesToTest } from '../support/modes.js'
import { createRoom } from '../support/rooms.js'
import { startTestServer, type TestServer } from '../support/test-server.js'
import { mintUserToken } from '../support/tokens.js'
import { WsTestClient } from '../support/ws-client.js'

const ADMIN_KEY = 'admin-key-for-message-changes-0123456789'

describe.each(await modesToTest())('editing and deleting messages (%s)', (mode) => {
  let server: TestServer
  let roomId: string
  const clients: WsTestClient[] = []
  beforeAll(async () => {
    server = await startTestServer(mode, { env: { ADMIN_KEY } })
    roomId = (await createRoom(server.url, server.app.id, await server.token('owner'), 'changes')).id
  })
  afterAll(async () => {
    for (const c of clients) await c.close()
    await server?.stop()
  })

  const token = (sub: string, role?: string) =>
    mintUserToken(server.app.id, server.app.secret, { sub, name: sub, ...(role && { role }) })
  const connect = async (sub: string, role?: string) => {
    const client = await WsTestClient.authed(server.url, server.app.id, await token(sub, role))
    clients.push(client)
    await client.request('join', { room: roomId })
    return client
  }
  let n = 0
  const say = async (client: WsTestClient, text: string) =>
    (await client.request<SendResult>('send', { room: roomId, clientId: `c${n++}`, text })).result!.message
  const rest = async (method: string, path: string, auth: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { Authorization: auth, ...(body !== undefined && { 'Content-Type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    })
    return { status: res.status, body: (await res.json()) as { error?: { code: string } } & Message }
  }
  const messagePath = (id: string) => `/v1/apps/${server.app.id}/rooms/${roomId}/messages/${id}`
  const historyNow = async () =>
    (
      await rest(
        'GET',
        `/v1/apps/${server.app.id}/rooms/${roomId}/messages?limit=100`,
        `Bearer ${await token('probe')}`,
      )
    ).body as unknown as HistoryResult

  it('says moderator: true in the auth result of a host token with role moderator, and nothing for others', async () => {
    const mod = await WsTestClient.authed(server.url, server.app.id, await token('m-auth', 'moderator'))
    const plain = await WsTestClient.authed(server.url, server.app.id, await token('p-auth', 'admin'))
    clients.push(mod, plain)
    const me = async (t: string) =>
      (await rest('GET', `/v1/apps/${server.app.id}/me`, `Bearer ${t}`)).body as unknown as Record<
        string,
        unknown
      >
    expect(await me(await token('m-auth', 'moderator'))).toMatchObject({ id: 'm-auth', moderator: true })
    expect(await me(await token('p-auth', 'admin'))).not.toHaveProperty('moderator')
  })

  it('takes the role from each fresh token: a re-auth without it withdraws it', async () => {
    const client = await WsTestClient.authed(server.url, server.app.id, await token('demoted', 'moderator'))
    clients.push(client)
    const victim = await connect('victim')
    const [first, second] = [await say(victim, 'first'), await say(victim, 'second')]
    expect((await client.request('delete', { room: roomId, messageId: first.id })).error).toBeUndefined()
    const reauth = await client.request<{ user: Record<string, unknown> }>('auth', {
      token: await token('demoted'),
    })
    expect(reauth.result!.user).not.toHaveProperty('moderator')
    expect((await client.request('delete', { room: roomId, messageId: second.id })).error?.code).toBe(
      'forbidden',
    )
  })

  it('lets a sender edit their message: live for members, after resume, and in history', async () => {
    const alice = await connect('alice')
    const bob = await connect('bob')
    const original = await say(alice, 'helo')
    const seen = bob.frames.length
    const edited = await alice.request<ChangeResult>('edit', {
      room: roomId,
      messageId: original.id,
      text: 'hello',
    })
    expect(edited.error).toBeUndefined()
    expect(edited.result!.message).toMatchObject({ id: original.id, seq: original.seq, text: 'hello' })
    expect(edited.result!.message.editedAt).toBeDefined()
    // The change is the room's next entry, delivered live like a message.
    const live = await bob.waitFor((f) => f.type === 'message' && f.message.target === original.id)
    expect(live).toMatchObject({
      message: { kind: 'edit', text: 'hello', seq: original.seq + 1, user: { id: 'alice' } },
    })
    expect(bob.frames.length).toBeGreaterThan(seen)

    // A member that was away resumes from before the edit and receives it in order.
    const carol = await WsTestClient.authed(server.url, server.app.id, await token('carol'))
    clients.push(carol)
    const resumed = await carol.request<JoinResult>('join', { room: roomId, sinceSeq: original.seq })
    expect(resumed.result!.replay).toBe('resumed')
    expect(resumed.result!.messages[0]).toMatchObject({ kind: 'edit', target: original.id, text: 'hello' })

    const inHistory = (await historyNow()).messages.find((m) => m.id === original.id)
    expect(inHistory).toMatchObject({ text: 'hello' })
    expect(inHistory?.editedAt).toBe(edited.result!.message.editedAt)
  })

  it('lets a sender delete their message; a tombstone stays, the text and its edits are gone', async () => {
    const dora = await connect('dora')
    const watcher = await connect('watcher')
    const m = await say(dora, 'oops, my phone number')
    await dora.request('edit', { room: roomId, messageId: m.id, text: 'still my phone number' })
    const deleted = await dora.request<ChangeResult>('delete', { room: roomId, messageId: m.id })
    expect(deleted.result!.message).toMatchObject({ id: m.id, text: '', deletedBy: 'dora' })
    await watcher.waitFor(
      (f) => f.type === 'message' && f.message.kind === 'delete' && f.message.target === m.id,
    )

    const history = (await historyNow()).messages
    expect(history.find((x) => x.id === m.id)).toMatchObject({ text: '', deletedBy: 'dora' })
    const mentions = history.filter((x) => x.text.includes('phone number'))
    expect(mentions).toEqual([])
    // Once deleted it is gone: a second delete or an edit finds nothing.
    expect((await dora.request('delete', { room: roomId, messageId: m.id })).error?.code).toBe('not_found')
    expect((await dora.request('edit', { room: roomId, messageId: m.id, text: 'x' })).error?.code).toBe(
      'not_found',
    )
  })

  it("refuses a user's edit or delete of another user's message on every path, and changes nothing", async () => {
    const erin = await connect('erin')
    const mallory = await connect('mallory')
    const mod = await connect('mod', 'moderator')
    const m = await say(erin, 'mine')
    const lastSeq = async () =>
      (await rest('GET', `/v1/apps/${server.app.id}/rooms/${roomId}`, `Bearer ${await token('probe')}`))
        .body as unknown as {
        lastSeq: number
      }
    const before = (await lastSeq()).lastSeq
    const auth = `Bearer ${await token('mallory')}`
    const attempts = [
      (await mallory.request('edit', { room: roomId, messageId: m.id, text: 'theirs' })).error?.code,
      (await mallory.request('delete', { room: roomId, messageId: m.id })).error?.code,
      (await rest('PATCH', messagePath(m.id), auth, { text: 'theirs' })).body.error?.code,
      (await rest('DELETE', messagePath(m.id), auth)).body.error?.code,
    ]
    expect(attempts).toEqual(['forbidden', 'forbidden', 'forbidden', 'forbidden'])
    expect((await rest('DELETE', messagePath(m.id), auth)).status).toBe(403)
    // A moderator may delete it but not edit it.
    expect((await mod.request('edit', { room: roomId, messageId: m.id, text: 'x' })).error?.code).toBe(
      'forbidden',
    )
    expect((await lastSeq()).lastSeq).toBe(before)
    expect((await historyNow()).messages.find((x) => x.id === m.id)).toMatchObject({ text: 'mine' })
    expect((await historyNow()).messages.find((x) => x.id === m.id)).not.toHaveProperty('editedAt')
  })

  it("lets a moderator delete anyone's message, over the socket and REST, and the admin key over admin REST", async () => {
    const frank = await connect('frank')
    const mod = await connect('mod2', 'moderator')
    const [a, b, c] = [await say(frank, 'spam 1'), await say(frank, 'spam 2'), await say(frank, 'spam 3')]
    expect(
      (await mod.request<ChangeResult>('delete', { room: roomId, messageId: a.id })).result!.message,
    ).toMatchObject({
      text: '',
      deletedBy: 'mod2',
    })
    const viaRest = await rest('DELETE', messagePath(b.id), `Bearer ${await token('mod2', 'moderator')}`)
    expect(viaRest).toMatchObject({ status: 200, body: { id: b.id, text: '', deletedBy: 'mod2' } })
    const adminPath = `/v1/admin/apps/${server.app.id}/rooms/${roomId}/messages/${c.id}`
    expect((await rest('DELETE', adminPath, 'Bearer wrong-key')).status).toBe(403)
    expect(await rest('DELETE', adminPath, `Bearer ${ADMIN_KEY}`)).toMatchObject({
      status: 200,
      body: { id: c.id, text: '', deletedBy: 'admin' },
    })
    const history = (await historyNow()).messages
    for (const m of [a, b, c]) expect(history.find((x) => x.id === m.id)?.deletedAt).toBeDefined()
  })

  it("records moderators' and the admin key's deletes in the audit log, not a sender's own, readable by moderators and the admin key only", async () => {
    const gina = await connect('gina')
    const mod = await connect('mod3', 'moderator')
    const [own, spam] = [await say(gina, 'oops'), await say(gina, 'spam')]
    await gina.request('delete', { room: roomId, messageId: own.id })
    await mod.request('delete', { room: roomId, messageId: spam.id })
    type AuditPage = { entries: Record<string, unknown>[]; nextCursor: string | null }
    const audit = async (auth: string, path = `/v1/apps/${server.app.id}/moderation/audit`) => {
      const { status, body } = await rest('GET', path, auth)
      return { status, body: body as unknown as AuditPage & { error?: { code: string } } }
    }
    const asMod = await audit(`Bearer ${await token('mod3', 'moderator')}`)
    expect(asMod.status).toBe(200)
    expect(asMod.body.entries[0]).toMatchObject({
      actor: 'mod3',
      action: 'message.delete',
      roomId,
      targetUserId: 'gina',
      targetMessageId: spam.id,
    })
    expect(asMod.body.entries.some((e) => e.targetMessageId === own.id)).toBe(false)
    // The earlier test's moderator and admin deletes are there too, newest first.
    expect(asMod.body.entries.map((e) => e.actor).slice(0, 4)).toEqual(['mod3', 'admin', 'mod2', 'mod2'])
    const adminPath = `/v1/admin/apps/${server.app.id}/audit?limit=1`
    const firstPage = await audit(`Bearer ${ADMIN_KEY}`, adminPath)
    expect(firstPage.body.entries).toHaveLength(1)
    const secondPage = await audit(`Bearer ${ADMIN_KEY}`, `${adminPath}&before=${firstPage.body.nextCursor}`)
    expect(secondPage.body.entries[0]).toMatchObject({ actor: 'admin', action: 'message.delete' })
    expect((await audit(`Bearer ${await token('gina')}`)).body.error?.code).toBe('forbidden')
    expect((await audit('Bearer wrong-key', adminPath)).status).toBe(403)
  })

  /** A user of the other app, which keeps the product's limits (20 sends, edits and deletes a
   * second per user), joined over a socket to a room of their own. */
  async function joinedInOtherApp(sub: string) {
    const other = server.other
    const userToken = await mintUserToken(other.id, other.secret, { sub, name: sub })
    const otherRoom = (await createRoom(server.url, other.id, userToken, `${sub}'s room`)).id
    const client = await WsTestClient.authed(server.url, other.id, userToken)
    clients.push(client)
    await client.request('join', { room: otherRoom })
    return { other, userToken, otherRoom, client }
  }

  it('spends the sender allowance on REST edits and deletes too: past it, 429 with Retry-After', async () => {
    const { other, userToken, otherRoom, client } = await joinedInOtherApp('hasty')
    const sent = (await client.request<SendResult>('send', { room: otherRoom, clientId: 'h1', text: 'v0' }))
      .result!.message
    const edits = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        fetch(`${server.url}/v1/apps/${other.id}/rooms/${otherRoom}/messages/${sent.id}`, {
          method: 'PATCH',
          headers: { Authorization: `Bearer ${userToken}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ text: `v${i + 1}` }),
        }),
      ),
    )
    const statuses = edits.map((r) => r.status)
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(20)
    const refused = edits.find((r) => r.status === 429)!
    expect(refused).toBeDefined()
    expect(await refused.json()).toMatchObject({ error: { code: 'rate_limited' } })
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true)
  })

  it('counts socket sends and REST edits against one allowance: edits are refused soon after a burst of sends', async () => {
    const { other, userToken, otherRoom, client } = await joinedInOtherApp('busy')
    const sends = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        client.request<SendResult>('send', { room: otherRoom, clientId: `b${i}`, text: `b${i}` }),
      ),
    )
    expect(sends.every((s) => s.result)).toBe(true)
    // The node counts its sends a moment later; edits made meanwhile pass. Without the sends in
    // the count it would take 20 edits to reach the allowance.
    const editPath = `/v1/apps/${other.id}/rooms/${otherRoom}/messages/${sends[0]!.result!.message.id}`
    const statuses: number[] = []
    while (!statuses.includes(429) && statuses.length < 20) {
      const res = await fetch(`${server.url}${editPath}`, {
        method: 'PATCH',
        headers: { Authorization: `Bearer ${userToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ text: `edit ${statuses.length}` }),
      })
      statuses.push(res.status)
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    expect(statuses.at(-1)).toBe(429)
    expect(statuses.length).toBeLessThanOrEqual(8)
  })

  it('edits over REST with the same rules: own message, length limit, unknown ids', async () => {
    const gina = await connect('gina')
    const m = await say(gina, 'first')
    const auth = `Bearer ${await token('gina')}`
    expect(await rest('PATCH', messagePath(m.id), auth, { text: 'second' })).toMatchObject({
      status: 200,
      body: { id: m.id, text: 'second' },
    })
    const tooLong = 'x'.repeat(server.app.limits.maxMessageLength! + 1)
    expect((await rest('PATCH', messagePath(m.id), auth, { text: tooLong })).body.error?.code).toBe(
      'message_too_long',
    )
    expect((await gina.request('edit', { room: roomId, messageId: m.id, text: tooLong })).error?.code).toBe(
      'message_too_long',
    )
    expect((await rest('PATCH', messagePath(m.id), auth, { text: '  ' })).body.error?.code).toBe(
      'bad_request',
    )
    expect((await rest('PATCH', messagePath('m_nope'), auth, { text: 'x' })).status).toBe(404)
    // Another app's token cannot reach this app's message at all.
    const other = await mintUserToken(server.other.id, server.other.secret, { sub: 'gina' })
    const cross = await fetch(`${server.url}/v1/apps/${server.other.id}/rooms/${roomId}/messages/${m.id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${other}` },
    })
    expect(cross.status).toBe(404)
    expect((await historyNow()).messages.find((x) => x.id === m.id)).toMatchObject({ text: 'second' })
  })
})
