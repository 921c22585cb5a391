import { WebSocket } from 'ws'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, type Client, type WebSocketConstructor } from '@roomful/sdk'
import { mintUserToken } from '../backend/test/support/tokens.js'
import { startBackend, type BackendProcess } from '../backend/test/support/start-backend.js'
import { hasBrowser, launchBrowser, openVisitor, type Visitor } from '../widget/test/support/browser.js'
import { bubbles, createRoomViaApi, DEMO_APP, DEMO_SECRET, say, until } from '../widget/test/support/demo.js'

// examples/react and examples/vue as `npm run build` made them, served by the demo host page at
// /react/ and /vue/: a visitor of the host site mounts the widget, is signed in through the
// site's token server, sends, and sees a bot's reply.
describe.runIf(hasBrowser)('the React and Vue examples in Chromium', () => {
  let backend: BackendProcess
  let browser: Browser
  let bot: Client
  let room: { id: string; name: string }
  const visitors: Visitor[] = []

  beforeAll(async () => {
    ;[backend, browser] = await Promise.all([startBackend({ demo: true }), launchBrowser()])
    room = await createRoomViaApi(backend.url, `Frameworks ${Math.random().toString(36).slice(2, 7)}`)
    // A second participant that answers every message of someone else.
    bot = createClient({
      url: backend.url,
      appId: DEMO_APP,
      getToken: () => mintUserToken(DEMO_APP, DEMO_SECRET, { sub: 'echo-bot', name: 'Echo bot' }),
      WebSocket: WebSocket as unknown as WebSocketConstructor,
    })
    const botRoom = bot.room(room.id)
    await botRoom.join()
    botRoom.on('message', (m) => {
      if (m.kind === 'text' && m.user.id !== bot.user?.id) void botRoom.send({ text: `echo: ${m.text}` })
    })
  })

  afterAll(async () => {
    for (const v of visitors) expect(v.problems, 'page errors').toEqual([])
    bot?.close()
    await browser?.close()
    await backend?.stop()
  })

  for (const framework of ['react', 'vue'] as const)
    it(`${framework}: mounts the widget, signs the visitor in with the site's token, sends and sees the reply`, async () => {
      const name = `${framework} visitor`
      const visitor = await openVisitor(browser, `${backend.demoUrl}/${framework}`, {
        name,
        query: { room: room.id },
      })
      visitors.push(visitor)
      const { page } = visitor
      const chat = page.locator('roomful-chat')
      await chat.locator('roomful-room textarea').waitFor()
      // The framework received the element's typed events: it shows the connection state.
      await page.locator('output.connection', { hasText: 'connected' }).waitFor()

      const text = `hello from ${framework}`
      await say(chat, text)
      await until(`the bot's reply in the ${framework} app`, async () =>
        (await bubbles(chat)).includes(`echo: ${text}`),
      )
      await expect(page.locator('.last-sent').textContent()).resolves.toBe(`You last said: ${text}`)
      // Sent as the host site's visitor (the token from /token), not as a guest.
      const author = chat.locator('roomful-room .msg', { hasText: text }).first()
      expect(await author.getAttribute('part')).toContain('own')
      await visitor.context.close()
    })
})
