import { randomBytes } from 'node:crypto'
import { expect, it } from 'vitest'
import type { AccountRecord, RefreshTokenRecord } from '../../src/auth/account-store.js'
import { RoomfulError } from '../../src/errors.js'
import { contract } from './harness.js'

const hex = (n: number) => randomBytes(n).toString('hex')
const appA = `a${hex(4)}`
const appB = `b${hex(4)}`

const account = (appId: string, email: string): AccountRecord => ({
  id: `u${hex(6)}`,
  appId,
  email,
  passwordHash: 'scrypt$abc',
  displayName: 'Ada',
  avatar: null,
  createdAt: new Date('2026-11-25T06:00:00.123Z'),
})

const token = (appId: string, familyId: string): RefreshTokenRecord => ({
  hash: hex(32),
  appId,
  accountId: 'u1',
  familyId,
  expiresAt: new Date('2026-12-25T00:00:00.000Z'),
})

contract('AccountStore', (h) => {
  it('creates an account, lower-cases its email and finds it by email or id', async () => {
    const store = h().node.accounts
    const created = await store.create(account(appA, 'Ada@Example.COM'))
    expect(created.email).toBe('ada@example.com')
    expect(await store.findByEmail(appA, 'ADA@example.com')).toEqual(created)
    expect(await store.get(appA, created.id)).toEqual(created)
  })

  it('refuses a second account with the same email in one app, case-insensitively', async () => {
    const store = h().node.accounts
    await store.create(account(appA, 'dup@example.com'))
    const err = await store.create(account(appA, 'DUP@example.com')).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RoomfulError)
    expect((err as RoomfulError).code).toBe('email_taken')
  })

  it('keeps apps apart: the same email is two accounts, and ids do not cross apps', async () => {
    const store = h().node.accounts
    const a = await store.create(account(appA, 'same@example.com'))
    const b = await store.create(account(appB, 'same@example.com'))
    expect(a.id).not.toBe(b.id)
    expect((await store.findByEmail(appB, 'same@example.com'))?.id).toBe(b.id)
    expect(await store.get(appB, a.id)).toBeNull()
    expect(await store.findByEmail(appB, 'only-in-a@example.com')).toBeNull()
  })

  it('consumes a refresh token once; a second use is reported as reuse', async () => {
    const store = h().node.accounts
    const t = token(appA, `f${hex(4)}`)
    await store.saveRefreshToken(t)
    expect(await store.consumeRefreshToken(appA, t.hash)).toEqual({ status: 'ok', record: t })
    expect(await store.consumeRefreshToken(appA, t.hash)).toEqual({ status: 'reused', record: t })
  })

  it('treats an unknown token, or another app’s token, as unknown', async () => {
    const store = h().node.accounts
    const t = token(appA, `f${hex(4)}`)
    await store.saveRefreshToken(t)
    expect(await store.consumeRefreshToken(appA, hex(32))).toEqual({ status: 'unknown' })
    expect(await store.consumeRefreshToken(appB, t.hash)).toEqual({ status: 'unknown' })
    expect((await store.consumeRefreshToken(appA, t.hash)).status).toBe('ok')
  })

  it('revokeFamily makes every unspent token of the family count as reused', async () => {
    const store = h().node.accounts
    const family = `f${hex(4)}`
    const spent = token(appA, family)
    const fresh = token(appA, family)
    const otherFamily = token(appA, `f${hex(4)}`)
    for (const t of [spent, fresh, otherFamily]) await store.saveRefreshToken(t)
    await store.consumeRefreshToken(appA, spent.hash)
    await store.revokeFamily(appA, family)
    expect((await store.consumeRefreshToken(appA, fresh.hash)).status).toBe('reused')
    expect((await store.consumeRefreshToken(appA, otherFamily.hash)).status).toBe('ok')
  })

  it('lets exactly one of two concurrent refreshes with the same token win', async () => {
    const t = token(appA, `f${hex(4)}`)
    await h().node.accounts.saveRefreshToken(t)
    const other = await h().secondNode()
    const results = await Promise.all([
      h().node.accounts.consumeRefreshToken(appA, t.hash),
      other.accounts.consumeRefreshToken(appA, t.hash),
    ])
    expect(results.map((r) => r.status).sort()).toEqual(['ok', 'reused'])
  })
})
