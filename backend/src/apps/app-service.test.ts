import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { AppService } from './app-service.js'
import { MemoryAppStore } from './app-store.memory.js'

describe('AppService.lastRead (the origin check of an upgrade, which cannot wait)', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  async function serviceWithApp() {
    const store = new MemoryAppStore()
    const apps = new AppService(store)
    await apps.ensure({ id: 'site', name: 'Site', allowedOrigins: ['https://a.example'] })
    const reads = vi.spyOn(store, 'get')
    return { store, reads, apps }
  }

  it('knows nothing of an app this node has not read, and asks no store for it', async () => {
    const { reads, apps } = await serviceWithApp()
    expect(apps.lastRead('site')).toBeUndefined()
    expect(apps.lastRead('nobody')).toBeUndefined()
    expect(reads).not.toHaveBeenCalled()
  })

  it('answers from the last read past its expiry, and reads again behind the answer', async () => {
    const { store, reads, apps } = await serviceWithApp()
    await apps.find('site')
    expect(apps.lastRead('site')?.allowedOrigins).toEqual(['https://a.example'])
    expect(reads).toHaveBeenCalledTimes(1)

    await store.update('site', { allowedOrigins: ['https://b.example'] })
    vi.advanceTimersByTime(6_000)
    // Expired: the old copy answers now, and the store is asked for the next decision.
    expect(apps.lastRead('site')?.allowedOrigins).toEqual(['https://a.example'])
    await vi.waitFor(() => expect(reads).toHaveBeenCalledTimes(2))
    await apps.find('site') // joins the read behind the answer: resolves once it has landed
    expect(reads).toHaveBeenCalledTimes(2)
    expect(apps.lastRead('site')?.allowedOrigins).toEqual(['https://b.example'])
  })

  it('forgets an app that is gone, and every copy after ten minutes', async () => {
    const { store, apps } = await serviceWithApp()
    await apps.find('site')
    vi.advanceTimersByTime(10 * 60_000)
    expect(apps.lastRead('site')).toBeUndefined()

    await apps.find('site')
    await store.delete('site')
    vi.advanceTimersByTime(6_000)
    await apps.find('site')
    expect(apps.lastRead('site')).toBeUndefined()
  })
})

describe('AppService.find under a burst (every socket of a page reconnecting at once)', () => {
  /** A store whose reads wait until released, so that requests pile up behind the first. */
  async function slowStore() {
    const store = new MemoryAppStore()
    const apps = new AppService(store)
    await apps.ensure({ id: 'site', name: 'Site', allowedOrigins: ['https://a.example'] })
    const get = store.get.bind(store)
    const waiting: Array<() => void> = []
    const reads = vi.spyOn(store, 'get').mockImplementation(async (id) => {
      const record = await get(id)
      await new Promise<void>((release) => waiting.push(release))
      return record
    })
    /** Finishes the waiting reads, newest first if asked (a stale read landing last). */
    const releaseAll = (newestFirst = false) => {
      const reads = waiting.splice(0)
      for (const release of newestFirst ? reads.reverse() : reads) release()
    }
    return { store, apps, reads, releaseAll }
  }

  it('reads the store once for many requests of one app, and answers them all', async () => {
    const { apps, reads, releaseAll } = await slowStore()
    const answers = Array.from({ length: 50 }, () => apps.find('site'))
    await vi.waitFor(() => expect(reads).toHaveBeenCalledTimes(1))
    releaseAll()
    const found = await Promise.all(answers)
    expect(found.map((app) => app?.id)).toEqual(Array(50).fill('site'))
    expect(reads).toHaveBeenCalledTimes(1)
  })

  it('reads again for a request made after a change on this node, and keeps that copy', async () => {
    const { store, apps, reads, releaseAll } = await slowStore()
    const before = apps.find('site')
    await vi.waitFor(() => expect(reads).toHaveBeenCalledTimes(1))
    await store.update('site', { allowedOrigins: ['https://b.example'] })
    apps.invalidate('site')
    const after = apps.find('site')
    await vi.waitFor(() => expect(reads).toHaveBeenCalledTimes(2))
    // The read begun before the change finishes last; the copy kept is still the new one.
    releaseAll(true)
    expect((await before)?.allowedOrigins).toEqual(['https://a.example'])
    expect((await after)?.allowedOrigins).toEqual(['https://b.example'])
    expect((await apps.find('site'))?.allowedOrigins).toEqual(['https://b.example'])
    expect(apps.lastRead('site')?.allowedOrigins).toEqual(['https://b.example'])
    expect(reads).toHaveBeenCalledTimes(2)
  })

  it('lets the next request read again after a read that failed', async () => {
    const store = new MemoryAppStore()
    const apps = new AppService(store)
    await apps.ensure({ id: 'site', name: 'Site', allowedOrigins: [] })
    const reads = vi.spyOn(store, 'get').mockRejectedValueOnce(new Error('store down'))
    await expect(Promise.all([apps.find('site'), apps.find('site')])).rejects.toThrow('store down')
    expect(reads).toHaveBeenCalledTimes(1)
    expect((await apps.find('site'))?.id).toBe('site')
    expect(reads).toHaveBeenCalledTimes(2)
  })
})
