import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect } from 'vitest'
import { startBackend, type BackendProcess } from '../../../backend/test/support/start-backend.js'
import { mintUserToken } from '../../../backend/test/support/tokens.js'
import { launchBrowser, openVisitor, type Visitor } from './browser.js'
import { DEMO_APP, DEMO_SECRET } from './demo.js'

/**
 * One demo backend and one Chromium for a test file, started before its tests and stopped after
 * them. Each `visit` is another person (a browser context) on the demo host page; any page
 * error one of them saw (401s aside: signing in is tried) fails the file.
 */
export function demoVisits() {
  let backend: BackendProcess | undefined
  let browser: Browser | undefined
  const visitors: Visitor[] = []
  beforeAll(async () => {
    ;[backend, browser] = await Promise.all([startBackend({ demo: true }), launchBrowser()])
  })
  afterAll(async () => {
    for (const v of visitors)
      expect(
        v.problems.filter((p) => !p.includes('401')),
        'page errors',
      ).toEqual([])
    await browser?.close()
    await backend?.stop()
  })
  return {
    /** Everyone who visited so far, in order. */
    visitors: visitors as readonly Visitor[],
    get backend(): BackendProcess {
      if (!backend) throw new Error('the demo backend starts in beforeAll')
      return backend
    },
    async visit(
      name: string,
      query: Record<string, string> = {},
      viewport?: { width: number; height: number },
    ) {
      const v = await openVisitor(browser!, backend!.demoUrl, { name, query, ...(viewport && { viewport }) })
      visitors.push(v)
      return v
    },
    /** A moderator of the demo app: the host site vouches for them with `role: 'moderator'`. */
    async moderator(name: string, query: Record<string, string> = {}) {
      const sub = `mod-${name.toLowerCase().replace(/\W+/g, '-')}`
      const token = await mintUserToken(DEMO_APP, DEMO_SECRET, { sub, name, role: 'moderator' })
      const v = await openVisitor(browser!, backend!.demoUrl, { name, query, token })
      visitors.push(v)
      return v
    },
  }
}
