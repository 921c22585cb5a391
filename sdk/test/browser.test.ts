import { execSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type * as Sdk from '../src/index.js'
import { startFakeServer, type FakeServer } from './support/fake-server.js'

// The script-tag bundle in a real browser, with the browser's own WebSocket, fetch and
// online/offline events: nothing injected.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const bundle = fileURLToPath(new URL('../dist/roomful.iife.min.js', import.meta.url))

let browser: Browser
let page: Page
let server: FakeServer

if (!existsSync(CHROMIUM) && process.env.CI)
  throw new Error(`unable to run browser tests; no Chromium at ${CHROMIUM}`)
describe.skipIf(!existsSync(CHROMIUM))('the IIFE bundle in Chromium', () => {
  beforeAll(async () => {
    if (!existsSync(bundle)) execSync('npm run build -w sdk --silent', { stdio: 'inherit' })
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    })
  }, 60_000)
  afterAll(() => browser?.close())
  beforeEach(async () => {
    server = await startFakeServer()
    page = await browser.newPage()
    await page.goto(`${server.url}/page`) // a real http origin next to the socket, like a host page
    await page.addScriptTag({ content: readFileSync(bundle, 'utf8') })
  })
  afterEach(async () => {
    await page.close()
    await server.stop()
  })

  it('defines the Roomful global and chats with the browser WebSocket', async () => {
    server.post('r1', 'before')
    const result = await page.evaluate(async (url) => {
      const { createClient } = (window as unknown as { Roomful: typeof Sdk }).Roomful
      const client = createClient({ url, appId: 'test', token: 'carol' })
      const room = client.room('r1')
      const seen: string[] = []
      room.on('message', (m) => seen.push(m.text))
      const { messages } = await room.join()
      const sent = await room.send({ text: 'from the browser' })
      await new Promise((r) => setTimeout(r, 50))
      client.close()
      return { page: messages.map((m) => m.text), sent: sent.seq, seen, user: client.user?.id }
    }, server.url)
    expect(result).toEqual({ page: ['before'], sent: 2, seen: ['from the browser'], user: 'carol' })
  })

  it('drops the socket when the browser goes offline and reconnects once it is back online', async () => {
    await page.evaluate(async (url) => {
      const { createClient } = (window as unknown as { Roomful: typeof Sdk }).Roomful
      const w = window as unknown as { states: string[]; sockets: number; WebSocket: typeof WebSocket }
      w.states = []
      // Count connection attempts: offline, there must be none (not merely failing ones).
      w.sockets = 0
      const Native = w.WebSocket
      w.WebSocket = class extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols)
          w.sockets++
        }
      }
      const client = createClient({ url, appId: 'test', token: 'carol', backoff: { min: 5, max: 20 } })
      client.on('state', ({ current }) => w.states.push(current))
      await client.room('r1').join()
    }, server.url)
    const context = page.context()
    await context.setOffline(true) // the socket itself may well survive: the SDK drops it at once
    await page.waitForFunction(() =>
      (window as unknown as { states: string[] }).states.includes('reconnecting'),
    )
    await page.waitForTimeout(200) // dozens of backoff windows: still waiting for `online`
    expect(server.authCount).toBe(1)
    expect(await page.evaluate(() => (window as unknown as { sockets: number }).sockets)).toBe(1)
    await context.setOffline(false)
    await page.waitForFunction(
      () => (window as unknown as { states: string[] }).states.at(-1) === 'connected',
    )
    expect(server.authCount).toBe(2)
    expect(await page.evaluate(() => (window as unknown as { states: string[] }).states)).toEqual([
      'connecting',
      'connected',
      'reconnecting',
      'connected',
    ])
  })
})
