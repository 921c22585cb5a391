import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Message } from '@roomful/sdk/protocol'
import { createRoom as createRoomAt } from '../../backend/test/support/rooms.js'
import {
  freshMysqlDatabase,
  servicesAvailable,
  TEST_REDIS_URL,
  uniquePrefix,
} from '../../backend/test/support/services.js'
import { freePort, startBackend, type BackendProcess } from '../../backend/test/support/start-backend.js'
import { hasBrowser, launchBrowser } from './support/browser.js'
import { bubbles, openRoom, say, until } from './support/demo.js'

const run = promisify(execFile)
const ADMIN = fileURLToPath(new URL('../../backend/dist/cli/admin.js', import.meta.url))
const BUNDLE = fileURLToPath(new URL('../dist/roomful-widget.min.js', import.meta.url))
// The admin CLI works on the production database, so this runs in production mode.
const available = hasBrowser && (await servicesAvailable())

describe.runIf(available)('an app made with the admin CLI, embedded on its own site', () => {
  let backend: BackendProcess
  let browser: Browser
  let site: Server
  let drop: (() => Promise<void>) | undefined
  let siteUrl: string

  beforeAll(async () => {
    const database = await freshMysqlDatabase()
    drop = database.drop
    const env = { ...process.env, MYSQL_URL: database.url }
    const sitePort = await freePort()
    const origin = (siteUrl = `http://127.0.0.1:${sitePort}`)
    // The operator creates the app and mints a user token, exactly as docs/self-hosting.md says.
    await run(process.execPath, [ADMIN, 'create-app', 'shop', '--name', 'Shop', '--origin', origin], { env })
    const token = (
      await run(process.execPath, [ADMIN, 'mint-token', 'shop', 'visitor-7', '--name', 'Shop Visitor'], {
        env,
      })
    ).stdout.trim()
    backend = await startBackend({
      env: { MYSQL_URL: database.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: uniquePrefix('cli-app') },
    })
    await createRoomAt(backend.url, 'shop', token, 'Shop talk')

    const page = `<!doctype html><title>Shop</title><script src="/roomful-widget.min.js"></script>
      <roomful-chat id="chat" url="${backend.url}" app-id="shop" token="${token}"></roomful-chat>`
    site = createServer((req, res) => {
      if (req.url === '/roomful-widget.min.js') {
        res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(readFileSync(BUNDLE))
      } else res.writeHead(200, { 'Content-Type': 'text/html' }).end(page)
    })
    await new Promise<void>((resolve) => site.listen(sitePort, '127.0.0.1', resolve))
    browser = await launchBrowser()
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await new Promise((resolve) => site?.close(resolve))
    await backend?.stop()
    await drop?.()
  })

  it('accepts the token minted with the CLI app’s secret: the visitor chats under their name', async () => {
    const page = await (await browser.newContext()).newPage()
    await page.goto(siteUrl)
    const chat = page.locator('#chat')
    await openRoom(chat, 'Shop talk')
    await say(chat, 'hello from the shop')
    await until('the message is stored and shown', async () =>
      (await bubbles(chat)).includes('hello from the shop'),
    )

    const token = await page.locator('#chat').getAttribute('token')
    const res = await fetch(`${backend.url}/v1/apps/shop/rooms`, {
      headers: { Authorization: `Bearer ${token}` },
    })
    const room = ((await res.json()) as { items: { id: string; name: string }[] }).items.find(
      (r) => r.name === 'Shop talk',
    )!
    const history = await fetch(`${backend.url}/v1/apps/shop/rooms/${room.id}/messages`, {
      headers: { Authorization: `Bearer ${token}` },
    })
    const messages = ((await history.json()) as { messages: Message[] }).messages
    expect(messages.find((m) => m.text === 'hello from the shop')?.user).toMatchObject({
      id: 'visitor-7',
      name: 'Shop Visitor',
    })
  })
})
