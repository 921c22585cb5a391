import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  freshMysqlDatabase,
  servicesAvailable,
  TEST_REDIS_URL,
  uniquePrefix,
} from '../../backend/test/support/services.js'
import { startBackend, type BackendProcess } from '../../backend/test/support/start-backend.js'
import { hasBrowser, launchBrowser, openVisitor, type Visitor } from './support/browser.js'
import { bubbles, createRoomViaApi, DEMO_SECRET, openRoom, say, siteChat, until } from './support/demo.js'

// Only production mode keeps messages across a restart (embedded mode is memory only).
const available = hasBrowser && (await servicesAvailable())

describe.runIf(available)('the widget across a backend restart (production mode)', () => {
  let backend: BackendProcess
  let browser: Browser
  let dropDatabase: (() => Promise<void>) | undefined
  const visitors: Visitor[] = []

  beforeAll(async () => {
    const database = await freshMysqlDatabase()
    dropDatabase = database.drop
    // Production mode gives the demo app a random secret unless told one: the test mints tokens.
    const env = {
      MYSQL_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: uniquePrefix('widget'),
      DEMO_APP_SECRET: DEMO_SECRET,
    }
    ;[backend, browser] = await Promise.all([startBackend({ demo: true, env }), launchBrowser()])
  })
  afterAll(async () => {
    await browser?.close()
    await backend?.stop()
    await dropDatabase?.()
  })

  it('shows that it is reconnecting, recovers by itself, and loses or repeats no message', async () => {
    const room = await createRoomViaApi(backend.url, 'Through the storm')
    for (const name of ['Alice', 'Bob']) visitors.push(await openVisitor(browser, backend.demoUrl, { name }))
    const [alice, bob] = visitors.map((v) => siteChat(v.page)) as [
      ReturnType<typeof siteChat>,
      ReturnType<typeof siteChat>,
    ]
    await openRoom(alice, room.name)
    await openRoom(bob, room.name)
    await say(alice, 'before the restart')
    await until('Bob has the first message', async () => (await bubbles(bob)).includes('before the restart'))

    const restarted = backend.restart()
    const banner = alice.locator('[part="banner"]')
    await banner.filter({ hasText: 'Reconnecting' }).waitFor({ timeout: 10_000 })
    // Written while the server is down: queued, then sent once after the rejoin.
    await say(alice, 'written while the server was down')
    backend = await restarted

    await until(
      'Alice is back online',
      async () => !(await banner.textContent())?.includes('Reconnecting'),
      30_000,
    )
    await until(
      'Bob gets the queued message',
      async () => (await bubbles(bob)).includes('written while the server was down'),
      30_000,
    )
    await say(bob, 'after the restart')
    await until(
      'Alice gets Bob’s reply',
      async () => (await bubbles(alice)).includes('after the restart'),
      10_000,
    )

    const expected = ['before the restart', 'written while the server was down', 'after the restart']
    for (const chat of [alice, bob]) expect(await bubbles(chat)).toEqual(expected)
    // A fresh visitor sees the same log from the database: nothing lost, nothing doubled.
    const carol = await openVisitor(browser, backend.demoUrl, { name: 'Carol' })
    visitors.push(carol)
    await openRoom(siteChat(carol.page), room.name)
    expect(await bubbles(siteChat(carol.page))).toEqual(expected)
    for (const v of visitors) expect(v.dialogs).toEqual([])
  })
})
