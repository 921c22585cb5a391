import { describe, expect, it } from 'vitest'
import { MemoryBus } from '../bus/bus.memory.js'
import { createLogger } from '../logger.js'
import { MemorySanctionStore } from './sanction-store.memory.js'
import type { SanctionRecord, SanctionStore } from './sanction-store.js'
import { SanctionsService, type SanctionChange } from './sanctions-service.js'

const log = createLogger('silent')
const settle = () => new Promise((resolve) => setImmediate(resolve))

/** Two nodes' services over one in-process bus and one store, each recording what it applies. */
function twoNodes(store: SanctionStore = new MemorySanctionStore()) {
  const bus = new MemoryBus(() => {})
  const node = () => {
    const service = new SanctionsService({ store, bus, log })
    const heard: SanctionChange[] = []
    service.onChange((change) => heard.push(change))
    return { service, heard }
  }
  return { store, a: node(), b: node() }
}

const ban = (fields: Partial<SanctionRecord> = {}): SanctionRecord => ({
  appId: 'app',
  kind: 'ban',
  userId: 'spammer',
  roomId: null,
  reason: null,
  createdBy: 'mod',
  createdAt: new Date(),
  expiresAt: null,
  ...fields,
})

describe('SanctionsService', () => {
  it('applies an imposed or lifted sanction once on each node: where it was made, and through the bus elsewhere', async () => {
    const { a, b } = twoNodes()
    await Promise.all([a.service.start(), b.service.start()])
    await Promise.all([a.service.load('app'), b.service.load('app')])

    const sanction = await a.service.impose('app', { kind: 'mute', userId: 'loud', roomId: 'r1' }, 'mod')
    await settle()
    for (const node of [a, b]) {
      expect(node.heard).toEqual([{ action: 'imposed', appId: 'app', sanction }])
      expect(node.service.inForce('app', 'loud', 'r1', 'mute')).toMatchObject({ createdBy: 'mod' })
      expect(node.service.inForce('app', 'loud', 'r2', 'mute')).toBeNull()
    }
    expect(await b.service.lift({ appId: 'app', kind: 'mute', userId: 'loud', roomId: 'r1' })).toBe(true)
    await settle()
    for (const node of [a, b]) {
      expect(node.heard.map((c) => c.action)).toEqual(['imposed', 'lifted'])
      expect(node.service.inForce('app', 'loud', 'r1', 'mute')).toBeNull()
    }
    await Promise.all([a.service.stop(), b.service.stop()])
  })

  it('keeps a user’s other sanctions in force when one of them is lifted', async () => {
    const { a } = twoNodes()
    await a.service.load('app')
    await a.service.impose('app', { kind: 'mute', userId: 'loud', roomId: 'r1' }, 'mod')
    await a.service.impose('app', { kind: 'ban', userId: 'loud', roomId: 'r2' }, 'mod')
    await a.service.lift({ appId: 'app', kind: 'mute', userId: 'loud', roomId: 'r1' })
    expect(a.service.inForce('app', 'loud', 'r1', 'mute')).toBeNull()
    expect(a.service.inForce('app', 'loud', 'r2', 'ban')).toMatchObject({ roomId: 'r2' })
    await a.service.lift({ appId: 'app', kind: 'ban', userId: 'loud', roomId: 'r2' })
    expect(a.service.inForce('app', 'loud', 'r2', 'ban')).toBeNull()
    // Imposed again after both were lifted, it applies again.
    await a.service.impose('app', { kind: 'ban', userId: 'loud', roomId: null }, 'mod')
    expect(a.service.inForce('app', 'loud', 'r9', 'ban')).toMatchObject({ roomId: null })
  })

  it('heals a lost bus message on the next resync, both ways', async () => {
    const { store, a } = twoNodes()
    await a.service.load('app')
    // Written by another node whose publish never arrived.
    const missed = ban()
    await store.upsert(missed)
    await a.service.resync()
    expect(a.heard).toMatchObject([{ action: 'imposed', sanction: { userId: 'spammer', kind: 'ban' } }])
    expect(a.service.inForce('app', 'spammer', 'any-room', 'ban')).not.toBeNull()
    await store.lift({ appId: 'app', kind: 'ban', userId: 'spammer', roomId: null })
    await a.service.resync()
    expect(a.heard.map((c) => c.action)).toEqual(['imposed', 'lifted'])
    expect(a.service.inForce('app', 'spammer', null, 'ban')).toBeNull()
    // Nothing changed since: a resync applies nothing.
    await a.service.resync()
    expect(a.heard).toHaveLength(2)
  })

  it('ends an expired sanction without anyone lifting it, and says nothing of it', async () => {
    const { store, a } = twoNodes()
    await store.upsert(ban({ createdAt: new Date(Date.now() - 5_000), expiresAt: new Date(Date.now() - 1) }))
    await a.service.load('app')
    expect(a.service.inForce('app', 'spammer', null, 'ban')).toBeNull()
    await a.service.resync()
    expect(a.heard).toEqual([])
  })

  it('lets users in while the store cannot answer, then applies what it finds to them once it can', async () => {
    const memory = new MemorySanctionStore()
    let down = true
    const flaky: SanctionStore = {
      upsert: (s) => memory.upsert(s),
      lift: (k) => memory.lift(k),
      applying: (...args) => memory.applying(...args),
      listActive: (...args) =>
        down ? Promise.reject(new Error('ECONNREFUSED')) : memory.listActive(...args),
    }
    const { a } = twoNodes(flaky)
    await memory.upsert(ban())
    await a.service.loadOrSkip('app')
    expect(a.service.inForce('app', 'spammer', null, 'ban')).toBeNull()
    down = false
    await a.service.loadOrSkip('app')
    expect(a.service.inForce('app', 'spammer', null, 'ban')).not.toBeNull()
    expect(a.heard).toMatchObject([{ action: 'imposed', sanction: { userId: 'spammer' } }])
  })
})
