import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mintUserToken } from '../backend/test/support/tokens.js'
import { startBackend, type BackendProcess } from '../backend/test/support/start-backend.js'
import { hasBrowser, launchBrowser } from '../widget/test/support/browser.js'
import { DEMO_APP, DEMO_SECRET, until } from '../widget/test/support/demo.js'
import { ROOT } from './support/packing.js'

const docs = readFileSync(join(ROOT, 'docs/embedding.md'), 'utf8')
const { version } = JSON.parse(readFileSync(join(ROOT, 'widget/package.json'), 'utf8')) as { version: string }
const BUNDLE = `roomful-widget-${version}.min.js`
const NONCE = 'dGVzdC1ub25jZQ'

/** The async snippet exactly as docs/embedding.md prints it, and the stub hash it documents. */
const snippet = /<!-- async-snippet:start -->\s*```html\n([\s\S]*?)```/.exec(docs)?.[1] ?? ''
const stubHash = /'(sha256-[A-Za-z0-9+/=]+)'/.exec(
  docs.slice(docs.indexOf('## Content Security Policy')),
)?.[1]

describe.runIf(hasBrowser)('the async embed: loader queue, roomful:ready, locales, CSP', () => {
  let backend: BackendProcess
  let browser: Browser
  let site: Server
  let token: string
  let origin: string

  const elements = (locale: string) =>
    `<roomful-chat id="chat-${locale}" url="${backend.url}" app-id="${DEMO_APP}" token="${token}" locale="${locale}"></roomful-chat>`

  beforeAll(async () => {
    ;[backend, browser] = await Promise.all([startBackend(), launchBrowser()])
    token = await mintUserToken(DEMO_APP, DEMO_SECRET, { sub: 'embed-visitor', name: 'Embed Visitor' })
    origin = `http://localhost:${backend.demoPort}`
    const bundle = readFileSync(join(ROOT, 'widget/dist', BUNDLE))
    const integrity = JSON.parse(readFileSync(join(ROOT, 'widget/dist/integrity.json'), 'utf8'))[BUNDLE]
    const docSnippet = snippet
      .replace(`https://cdn.example.com/${BUNDLE}`, `/${BUNDLE}`)
      .replace('sha384-…', integrity)
    const connect = `connect-src ${backend.url} ${backend.url.replace('http', 'ws')}`

    const pages: Record<string, { csp: string; html: string }> = {
      // The documented snippet; the page's own calls go to the stub before the bundle arrives.
      '/': {
        csp: `default-src 'none'; script-src 'self' '${stubHash}' 'nonce-${NONCE}'; style-src 'self'; img-src 'self' data:; ${connect}`,
        html: `${elements('ja')}${elements('en')}<div id="mount"></div>${docSnippet}
          <script nonce="${NONCE}">
            window.readyEvents = []
            window.readyCalls = []
            document.addEventListener('roomful:ready', (e) => readyEvents.push(Object.keys(e.detail).sort()))
            roomful('registerLocale', 'ja', { 'lobby.title': 'チャットルーム', 'rooms.here': ({ n }) => n + '人が参加中' })
            roomful('registerLocale', 'en', { 'rooms.title': 'Every trail room' })
            roomful('nonsense', 1)
            roomful('mount', '#mount', { element: 'roomful-ranking', url: '${backend.url}', appId: '${DEMO_APP}', token: '${token}', locale: 'ja' })
            roomful('ready', (api) => readyCalls.push(typeof api.createClient + ' ' + typeof window.roomful))
            window.queuedBeforeLoad = !window.RoomfulWidget
          </script>`,
      },
      // Styles as <style> elements (no constructable stylesheets), under a nonce-only style-src.
      '/no-constructable': {
        csp: `default-src 'none'; script-src 'self'; style-src 'nonce-${NONCE}'; ${connect}`,
        html: `${elements('en')}<script async nonce="${NONCE}" src="/${BUNDLE}"></script>`,
      },
      '/no-constructable-no-nonce': {
        csp: `default-src 'none'; script-src 'self'; style-src 'nonce-${NONCE}'; ${connect}`,
        html: `${elements('en')}<script async src="/${BUNDLE}"></script>`,
      },
    }
    site = createServer((req, res) => {
      const path = new URL(req.url ?? '/', origin).pathname
      if (path === `/${BUNDLE}`) {
        // Late, so that the page's calls are queued on the stub first.
        setTimeout(() => res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle), 400)
        return
      }
      const page = pages[path]
      if (!page) return void res.writeHead(path === '/favicon.ico' ? 204 : 404).end()
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': page.csp })
        .end(`<!doctype html><meta charset="utf-8"><title>Embed</title>${page.html}`)
    })
    await new Promise<void>((resolve) => site.listen(backend.demoPort, '127.0.0.1', resolve))
  })

  afterAll(async () => {
    await browser?.close()
    await new Promise((resolve) => site?.close(resolve))
    await backend?.stop()
  })

  /** A page with CSP violations and console errors recorded. */
  async function open(path: string, options: { constructable?: boolean } = {}) {
    const context = await browser.newContext()
    const page = await context.newPage()
    const consoleErrors: string[] = []
    page.on('console', (msg) => msg.type() === 'error' && consoleErrors.push(msg.text()))
    page.on('pageerror', (err) => consoleErrors.push(`pageerror: ${err.message}`))
    if (options.constructable === false)
      // What Safari before 16.4 lacks; Lit then falls back to <style> elements.
      await page.addInitScript(() => {
        delete (Document.prototype as { adoptedStyleSheets?: unknown }).adoptedStyleSheets
        delete (ShadowRoot.prototype as { adoptedStyleSheets?: unknown }).adoptedStyleSheets
      })
    await page.goto(`${origin}${path}`)
    return { page, consoleErrors }
  }

  const text = (page: Page, selector: string) => page.locator(selector).first().textContent()

  it('documents a stub hash and a snippet that loads the versioned bundle with async and integrity', () => {
    expect(stubHash).toBeTruthy()
    expect(snippet).toMatch(new RegExp(`<script async src="[^"]+/${BUNDLE.replaceAll('.', '\\.')}"`))
    expect(snippet).toContain('integrity="sha384-')
  })

  it('runs the calls queued before the bundle arrived, in order, then announces roomful:ready once', async () => {
    const { page, consoleErrors } = await open('/')
    await page.locator('#chat-ja .top h2', { hasText: 'チャットルーム' }).waitFor()
    expect(await page.evaluate(() => (window as { queuedBeforeLoad?: boolean }).queuedBeforeLoad)).toBe(true)
    // A string the Japanese strings leave out falls back to English; an override of English shows.
    expect(await text(page, '#chat-ja roomful-ranking h2')).toContain('Busiest right now')
    expect(await text(page, '#chat-en roomful-room-list h2')).toBe('Every trail room')
    expect(await text(page, '#chat-en .top h2')).toBe('Chat rooms')
    // The mounted element got its properties (it connects with the token and speaks Japanese).
    await page.locator('#mount roomful-ranking h2', { hasText: 'Busiest right now' }).waitFor()
    expect(
      await page.locator('#mount roomful-ranking').evaluate((el) => (el as { locale?: string }).locale),
    ).toBe('ja')
    const state = await page.evaluate(() => ({
      events: (window as { readyEvents?: string[][] }).readyEvents,
      calls: (window as { readyCalls?: string[] }).readyCalls,
    }))
    expect(state.calls).toEqual(['function function'])
    expect(state.events).toHaveLength(1)
    expect(state.events![0]).toEqual(
      expect.arrayContaining(['createClient', 'registerLocale', 'RoomfulChat']),
    )
    // The bad queued call was reported, and did not stop the ones after it. Nothing else failed,
    // so the stub's documented hash and the bundle's integrity hash were both accepted.
    expect(consoleErrors).toEqual([expect.stringContaining('unable to run roomful("nonsense")')])
  })

  it('runs calls made after loading at once; a late locale change re-renders the elements in place', async () => {
    const { page } = await open('/')
    await page.locator('#chat-ja .top h2', { hasText: 'チャットルーム' }).waitFor()
    const result = await page.evaluate(() => {
      const roomful = (window as unknown as { roomful: (...args: unknown[]) => unknown }).roomful
      let ready = false
      roomful('ready', () => (ready = true))
      roomful('registerLocale', 'ja', { 'lobby.title': '部屋の一覧' })
      let badTag = ''
      try {
        roomful('registerLocale', 'not a tag!', {})
      } catch (err) {
        badTag = (err as Error).message
      }
      let badCommand = ''
      try {
        roomful('open')
      } catch (err) {
        badCommand = (err as Error).message
      }
      return { ready, badTag, badCommand }
    })
    expect(result.ready).toBe(true)
    expect(result.badTag).toBe('unable to register locale "not a tag!"; it is not a BCP 47 language tag')
    expect(result.badCommand).toBe(
      'unable to run roomful("open"); the commands are ready, registerLocale, mount',
    )
    await page.locator('#chat-ja .top h2', { hasText: '部屋の一覧' }).waitFor()
  })

  it('styles the elements under a nonce-only style-src when the bundle’s script tag carries the nonce', async () => {
    const { page, consoleErrors } = await open('/no-constructable', { constructable: false })
    await page.locator('#chat-en .top h2', { hasText: 'Chat rooms' }).waitFor()
    const styles = await page
      .locator('#chat-en')
      .evaluate((el) => [...el.shadowRoot!.querySelectorAll('style')].map((s) => s.nonce))
    expect(styles.length, 'the fallback path: styles as <style> elements').toBeGreaterThan(0)
    expect(new Set(styles)).toEqual(new Set([NONCE]))
    expect(await page.locator('#chat-en').evaluate((el) => getComputedStyle(el).display)).toBe('block')
    expect(consoleErrors).toEqual([])
  })

  it('without the nonce, the same page has its styles refused (so the test above can fail)', async () => {
    const { page, consoleErrors } = await open('/no-constructable-no-nonce', { constructable: false })
    await page.locator('#chat-en .top h2', { hasText: 'Chat rooms' }).waitFor()
    await until('a refused style is reported', () => consoleErrors.some((e) => e.includes('style-src')))
    expect(await page.locator('#chat-en').evaluate((el) => getComputedStyle(el).display)).toBe('inline')
  })
})
