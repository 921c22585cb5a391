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
