import { describe, expect, it } from 'vitest'
import { MemoryBus } from '../bus/bus.memory.js'
import { ModeratorGrants } from './moderator-grants.js'
import { MemoryModeratorStore } from './moderator-store.memory.js'

/** One store, one bus, and each node's grants as the node keeps them; `lists` counts reads. */
async function twoNodes(ttlMs = 60_000) {
  const store = new MemoryModeratorStore()
  let lists = 0
  const counted = Object.assign(Object.create(store) as MemoryModeratorStore, {
    list: (appId: string) => {
      lists++
      return store.list(appId)
    },
  })
  const bus = new MemoryBus(() => {})
  const a = new ModeratorGrants(counted, bus, ttlMs)
  const b = new ModeratorGrants(counted, bus, ttlMs)
  await Promise.all([a.start(), b.start()])
  return { a, b, bus, store, lists: () => lists }
}

describe('ModeratorGrants', () => {
  it('answers the authentications of one app that arrive together from one read', async () => {
    const { a, store, lists } = await twoNodes()
    await store.grant({ appId: 'app', userId: 'mod', grantedBy: 'admin', grantedAt: new Date() })
    const answers = await Promise.all(
      Array.from({ length: 1_000 }, (_, i) => a.isModerator('app', i === 7 ? 'mod' : `user-${i}`)),
    )
    expect(answers.filter(Boolean)).toHaveLength(1)
    expect(answers[7]).toBe(true)
    expect(lists()).toBe(1)
    expect(await a.isModerator('app', 'mod')).toBe(true)
    expect(lists()).toBe(1)
  })

  it('applies a grant and a revoke made on one node at once on the other', async () => {
    const { a, b } = await twoNodes()
    expect(await a.isModerator('app', 'ann')).toBe(false)
    expect((await b.grant('app', 'ann', 'admin')).fresh).toBe(true)
    expect(await a.isModerator('app', 'ann')).toBe(true)
    expect(await b.revoke('app', 'ann')).toBe(true)
    expect(await a.isModerator('app', 'ann')).toBe(false)
    // Other apps keep their copy.
    expect(await a.isModerator('other', 'ann')).toBe(false)
  })

  it('does not keep a read that a change overtook', async () => {
    const { b, bus, store } = await twoNodes()
    let release!: () => void
    const slow = Object.assign(Object.create(store) as MemoryModeratorStore, {
      list: async (appId: string) => {
        const before = await store.list(appId)
        await new Promise<void>((resolve) => (release = resolve))
        return before
      },
    })
    const racing = new ModeratorGrants(slow, bus)
    await racing.start()
    const begun = racing.isModerator('app', 'ann')
    await new Promise((resolve) => setImmediate(resolve))
    await b.grant('app', 'ann', 'admin')
    release()
    // The read that began before the grant answers what it read; it is not kept.
    expect(await begun).toBe(false)
    const after = racing.isModerator('app', 'ann')
    await new Promise((resolve) => setImmediate(resolve))
    release()
    expect(await after).toBe(true)
  })

  it('counts a store that cannot answer as not granted, and asks again next time', async () => {
    const store = new MemoryModeratorStore()
    await store.grant({ appId: 'app', userId: 'mod', grantedBy: 'admin', grantedAt: new Date() })
    let down = true
    const flaky = Object.assign(Object.create(store) as MemoryModeratorStore, {
      list: (appId: string) => (down ? Promise.reject(new Error('down')) : store.list(appId)),
    })
    const grants = new ModeratorGrants(flaky)
    expect(await grants.isModerator('app', 'mod')).toBe(false)
    down = false
    expect(await grants.isModerator('app', 'mod')).toBe(true)
  })

  it('reads again once its copy expires (a lost bus message heals)', async () => {
    const store = new MemoryModeratorStore()
    const grants = new ModeratorGrants(store, undefined, 20)
    expect(await grants.isModerator('app', 'ann')).toBe(false)
    await store.grant({ appId: 'app', userId: 'ann', grantedBy: 'cli', grantedAt: new Date() })
    expect(await grants.isModerator('app', 'ann')).toBe(false)
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(await grants.isModerator('app', 'ann')).toBe(true)
  })
})
