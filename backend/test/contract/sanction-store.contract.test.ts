import { randomBytes } from 'node:crypto'
import { expect, it } from 'vitest'
import type { SanctionRecord } from '../../src/moderation/sanction-store.js'
import { contract } from './harness.js'

const appId = () => `a${randomBytes(4).toString('hex')}`
// Whole milliseconds, as DATETIME(3) keeps them.
const at = (offsetMs: number) => new Date(Math.floor(Date.now() / 1000) * 1000 + offsetMs)

const sanction = (app: string, fields: Partial<SanctionRecord> = {}): SanctionRecord => ({
  appId: app,
  kind: 'ban',
  userId: 'spammer',
  roomId: null,
  reason: 'spam',
  createdBy: 'mod',
  createdAt: at(0),
  expiresAt: null,
  ...fields,
})

contract('SanctionStore', (h) => {
  it('upserts one sanction per app, kind, user and scope, and lists those in force newest first', async () => {
    const store = h().node.sanctions
    const [app, other] = [appId(), appId()]
    const appBan = sanction(app)
    const roomBan = sanction(app, { roomId: 'r1', createdAt: at(1_000) })
    const mute = sanction(app, { kind: 'mute', userId: 'loud', reason: null, createdAt: at(2_000) })
    for (const s of [appBan, roomBan, mute, sanction(other)]) await store.upsert(s)

    expect(await store.listActive(app)).toEqual([mute, roomBan, appBan])
    expect(await store.listActive(app, { kind: 'ban' })).toEqual([roomBan, appBan])
    expect(await store.listActive(app, { roomId: 'r1' })).toEqual([roomBan])
    expect(await store.listActive(app, { kind: 'mute', roomId: 'r1' })).toEqual([])
    expect(await store.listActive(appId())).toEqual([])

    // Imposing again replaces: the same key with a new reason, author and end.
    const again = {
      ...appBan,
      reason: 'still spam',
      createdBy: 'mod2',
      createdAt: at(3_000),
      expiresAt: at(3_600_000),
    }
    await store.upsert(again)
    expect(await store.listActive(app, { kind: 'ban' })).toEqual([again, roomBan])
  })

  it('treats an expired sanction as gone everywhere, without anyone deleting it', async () => {
    const store = h().node.sanctions
    const app = appId()
    const expired = sanction(app, { createdAt: at(-10_000), expiresAt: at(-1_000) })
    const running = sanction(app, { kind: 'mute', expiresAt: at(60_000) })
    await store.upsert(expired)
    await store.upsert(running)
    expect(await store.listActive(app)).toEqual([running])
    expect(await store.applying(app, 'spammer', null)).toEqual([running])
    // As seen from a later moment, the running one has ended too.
    expect(await store.listActive(app, {}, at(120_000))).toEqual([])
    // Lifting an expired one finds nothing in force.
    expect(await store.lift({ appId: app, kind: 'ban', userId: 'spammer', roomId: null })).toBeNull()
    // A fresh ban over the expired row replaces it.
    const fresh = sanction(app, { createdAt: at(1_000) })
    await store.upsert(fresh)
    expect(await store.applying(app, 'spammer', null)).toEqual([fresh, running])
  })

  it('looks up what applies to a user: app-wide always, a room only there', async () => {
    const store = h().node.sanctions
    const app = appId()
    const appMute = sanction(app, { kind: 'mute', createdAt: at(0) })
    const roomBan = sanction(app, { roomId: 'r1', createdAt: at(1_000) })
    const elsewhere = sanction(app, { roomId: 'r2', createdAt: at(2_000) })
    const otherUser = sanction(app, { userId: 'someone' })
    for (const s of [appMute, roomBan, elsewhere, otherUser]) await store.upsert(s)

    expect(await store.applying(app, 'spammer', 'r1')).toEqual([roomBan, appMute])
    expect(await store.applying(app, 'spammer', 'r3')).toEqual([appMute])
    expect(await store.applying(app, 'spammer', null)).toEqual([appMute])
    expect(await store.applying(app, 'nobody', 'r1')).toEqual([])
  })

  it('lifts one sanction by its key and says whether one was in force', async () => {
    const store = h().node.sanctions
    const app = appId()
    const appBan = sanction(app)
    const roomBan = sanction(app, { roomId: 'r1' })
    await store.upsert(appBan)
    await store.upsert(roomBan)
    expect(await store.lift({ appId: app, kind: 'ban', userId: 'spammer', roomId: 'r1' })).toEqual(roomBan)
    expect(await store.lift({ appId: app, kind: 'ban', userId: 'spammer', roomId: 'r1' })).toBeNull()
    expect(await store.lift({ appId: app, kind: 'mute', userId: 'spammer', roomId: null })).toBeNull()
    expect(await store.listActive(app)).toEqual([appBan])
  })

  it('keeps user ids exactly as given (case, accents, 128 characters)', async () => {
    const store = h().node.sanctions
    const app = appId()
    const ids = ['Bob', 'bob', 'Zoë', 'x'.repeat(128)]
    for (const [i, userId] of ids.entries())
      await store.upsert(sanction(app, { userId, createdAt: at(i * 1000) }))
    expect((await store.listActive(app)).map((s) => s.userId)).toEqual([...ids].reverse())
    expect((await store.applying(app, 'bob', null)).map((s) => s.userId)).toEqual(['bob'])
  })
})

contract('ModeratorStore', (h) => {
  it('grants once, lists oldest first and revokes, per app and case-sensitive', async () => {
    const store = h().node.moderators
    const [app, other] = [appId(), appId()]
    const first = { appId: app, userId: 'acct_1', grantedBy: 'admin', grantedAt: at(0) }
    const second = { appId: app, userId: 'Acct_1', grantedBy: 'cli', grantedAt: at(1_000) }
    expect(await store.grant(first)).toBe(true)
    expect(await store.grant({ ...first, grantedBy: 'again', grantedAt: at(5_000) })).toBe(false)
    expect(await store.grant(second)).toBe(true)
    expect(await store.grant({ ...first, appId: other })).toBe(true)

    expect(await store.list(app)).toEqual([first, second])
    expect(await store.revoke(app, 'acct_2')).toBe(false)
    expect(await store.revoke(app, 'acct_1')).toBe(true)
    expect(await store.revoke(app, 'acct_1')).toBe(false)
    expect(await store.list(app)).toEqual([second])
    expect(await store.list(other)).toEqual([{ ...first, appId: other }])
  })
})
