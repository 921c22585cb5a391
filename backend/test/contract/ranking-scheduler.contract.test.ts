import { randomBytes } from 'node:crypto'
import { expect, it } from 'vitest'
import { contract, RANKING_WINDOW_MS, sleep, waitFor } from './harness.js'

contract('RankingScheduler', (h) => {
  it('coalesces a burst of 50 requests into one run, and runs again for a later request', async () => {
    const app = `a${randomBytes(4).toString('hex')}`
    const calls: string[] = []
    const scheduler = h().node.rankingScheduler(async (appId) => {
      calls.push(appId)
    })
    try {
      for (let i = 0; i < 50; i++) scheduler.request(app)
      await waitFor(() => calls.length >= 1)
      await sleep(RANKING_WINDOW_MS * 3)
      expect(calls).toEqual([app])

      scheduler.request(app)
      await waitFor(() => calls.length >= 2)
      await sleep(RANKING_WINDOW_MS * 3)
      expect(calls).toEqual([app, app])
    } finally {
      await scheduler.close()
    }
  })

  it('keeps apps apart: each app with requests gets its own run', async () => {
    const apps = ['x', 'y', 'z'].map((s) => `${s}${randomBytes(4).toString('hex')}`)
    const calls: string[] = []
    const scheduler = h().node.rankingScheduler(async (appId) => {
      calls.push(appId)
    })
    try {
      for (let i = 0; i < 10; i++) for (const app of apps) scheduler.request(app)
      await waitFor(() => calls.length >= 3)
      await sleep(RANKING_WINDOW_MS * 3)
      expect([...calls].sort()).toEqual([...apps].sort())
    } finally {
      await scheduler.close()
    }
  })

  it('runs once more after a run during which a request arrived', async () => {
    const app = `a${randomBytes(4).toString('hex')}`
    let calls = 0
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const scheduler = h().node.rankingScheduler(async () => {
      calls += 1
      if (calls === 1) await gate
    })
    try {
      scheduler.request(app)
      await waitFor(() => calls === 1)
      // Past the window, so the request is not folded into the run already going.
      await sleep(RANKING_WINDOW_MS * 2)
      scheduler.request(app)
      scheduler.request(app)
      release()
      await waitFor(() => calls >= 2)
      await sleep(RANKING_WINDOW_MS * 3)
      expect(calls).toBe(2)
    } finally {
      await scheduler.close()
    }
  })
})
