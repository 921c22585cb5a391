import { randomBytes } from 'node:crypto'
import { expect, it } from 'vitest'
import { newSortableId } from '../../src/ids.js'
import type { AuditEntry } from '../../src/moderation/audit-log.js'
import { contract } from './harness.js'

const appId = () => `a${randomBytes(4).toString('hex')}`

const entry = (app: string, fields: Partial<AuditEntry> = {}): AuditEntry => ({
  id: newSortableId('aud'),
  appId: app,
  at: new Date(Math.floor(Date.now())),
  actor: 'mod-1',
  action: 'user.ban',
  roomId: null,
  targetUserId: 'spammer',
  targetMessageId: null,
  reason: 'spam, again',
  details: { expiresAt: '2026-12-04T00:00:00.000Z' },
  ...fields,
})

contract('AuditStore', (h) => {
  it('keeps every entry as written and lists one app newest first, by pages', async () => {
    const store = h().node.audit
    const [app, other] = [appId(), appId()]
    const written = [
      entry(app),
      entry(app, {
        action: 'message.delete',
        roomId: 'r_1',
        targetMessageId: 'm_1',
        reason: null,
        details: null,
      }),
      entry(app, { actor: 'admin', action: 'room.update', roomId: 'r_1', details: { readOnly: true } }),
    ]
    for (const e of written) await store.append(e)
    await store.append(entry(other))

    expect(await store.list(app, { limit: 10 })).toEqual([...written].reverse())
    const first = await store.list(app, { limit: 2 })
    expect(first.map((e) => e.id)).toEqual([written[2]!.id, written[1]!.id])
    expect(await store.list(app, { limit: 2, before: first[1]!.id })).toEqual([written[0]])
    expect(await store.list(appId(), { limit: 10 })).toEqual([])
  })

  it('hands out copies: changing a listed entry changes nothing stored', async () => {
    const store = h().node.audit
    const app = appId()
    const e = entry(app)
    await store.append(e)
    const [listed] = await store.list(app, { limit: 1 })
    listed!.details!.expiresAt = 'tampered'
    expect(await store.list(app, { limit: 1 })).toEqual([e])
  })
})
