import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBackend, type BackendProcess } from '../../backend/test/support/start-backend.js'
import { hasBrowser, launchBrowser, openVisitor, type Visitor } from './support/browser.js'
import { createRoom, openRoom, siteChat, until } from './support/demo.js'

// Two people on the demo host page (another origin than the backend): one attaches an image
// in the widget, the other sees its thumbnail and opens the full image.
describe.runIf(hasBrowser)('image attachments in the widget', () => {
  let backend: BackendProcess
  let browser: Browser
  let dir: string
  const visitors: Visitor[] = []
  const visit = async (name: string) => {
    const v = await openVisitor(browser, backend.demoUrl, { name })
    visitors.push(v)
    return v
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'roomful-widget-attachments-'))
    ;[backend, browser] = await Promise.all([
      startBackend({ demo: true, env: { ATTACHMENTS_DIR: dir } }),
      launchBrowser(),
    ])
  })
  afterAll(async () => {
    for (const v of visitors) {
      // The refused upload's 415 is logged by the browser as a failed resource load.
      expect(
        v.problems.filter((p) => !/\b(401|415)\b/.test(p)),
        'page errors',
      ).toEqual([])
      expect(v.dialogs).toEqual([])
    }
    await browser?.close()
    await backend?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('sends a picked image that the other person sees as a thumbnail and opens in full', async () => {
    const room = `Photo corner ${Math.random().toString(36).slice(2, 7)}`
    const a = await visit('Alice')
    const alice = siteChat(a.page)
    await createRoom(alice, room)
    const b = await visit('Bob')
    const bob = siteChat(b.page)
    await openRoom(bob, room)

    const photo = await sharp({
      create: { width: 800, height: 600, channels: 3, background: { r: 30, g: 120, b: 200 } },
    })
      .png()
      .toBuffer()
    await alice.locator('roomful-room button.attach').waitFor()
    await alice
      .locator('roomful-room input.picker')
      .setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: photo })

    const link = bob.locator('roomful-room a.attachment')
    await link.waitFor()
    const thumb = link.locator('img')
    await until('the thumbnail loads', () =>
      thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0),
    )
    expect(await thumb.getAttribute('src')).toMatch(/\/attachments\/[A-Za-z0-9_-]+\/thumbnail$/)
    // The name is wrapped in FSI…PDI: alt text cannot hold a <bdi>.
    expect(await thumb.getAttribute('alt')).toBe('Image from \u2068Alice\u2069')
    // The sender sees it too, once stored.
    await alice.locator('roomful-room a.attachment img').waitFor()

    const href = (await link.getAttribute('href'))!
    expect(href).toMatch(/\/attachments\/[A-Za-z0-9_-]+$/)
    expect(await link.getAttribute('target')).toBe('_blank')
    expect(await link.getAttribute('rel')).toContain('noopener')
    const [full] = await Promise.all([b.context.waitForEvent('page'), link.click()])
    await full.waitForLoadState()
    expect(full.url()).toBe(href)
    expect(await full.evaluate(() => document.contentType)).toBe('image/png')
    const size = await full.evaluate(() => {
      const img = document.querySelector('img')
      return img && { width: img.naturalWidth, height: img.naturalHeight }
    })
    expect(size).toEqual({ width: 800, height: 600 })
    await full.close()
  })

  it('sends images dropped on the composer or pasted into it', async () => {
    const room = `Drop zone ${Math.random().toString(36).slice(2, 7)}`
    const a = await visit('Dana')
    const chat = siteChat(a.page)
    await createRoom(chat, room)
    const gif = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#c33' } })
      .gif()
      .toBuffer()
    const files = (name: string, type: string) =>
      a.page.evaluateHandle(
        ({ bytes, name, type }) => {
          const data = new DataTransfer()
          data.items.add(new File([new Uint8Array(bytes)], name, { type }))
          return data
        },
        { bytes: [...gif], name, type },
      )
    await chat.locator('roomful-room form.composer').dispatchEvent('drop', {
      dataTransfer: await files('dropped.gif', 'image/gif'),
    })
    await until(
      'the dropped image is in the log',
      async () => (await chat.locator('roomful-room a.attachment').count()) === 1,
    )
    const pasted = await files('pasted.gif', 'image/gif')
    await chat
      .locator('roomful-room textarea')
      .evaluate(
        (area, clipboardData) =>
          area.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true })),
        pasted,
      )
    await until(
      'the pasted image is in the log',
      async () => (await chat.locator('roomful-room a.attachment').count()) === 2,
    )
    expect(await chat.locator('roomful-room textarea').inputValue()).toBe('')
  })

  it('says clearly when a file is refused, and stores nothing', async () => {
    const room = `Refusals ${Math.random().toString(36).slice(2, 7)}`
    const a = await visit('Mallory')
    const chat = siteChat(a.page)
    await createRoom(chat, room)
    const before = await readdir(dir, { recursive: true })
    // Named and typed as a PNG, but really a web page: only the server can tell.
    await chat.locator('roomful-room input.picker').setInputFiles({
      name: 'cat.png',
      mimeType: 'image/png',
      buffer: Buffer.from('<!doctype html><script>alert("hi")</script>'),
    })
    await until('the composer explains the refusal', async () =>
      (await chat.locator('roomful-room .composer-status').textContent())?.includes(
        'Only PNG, JPEG, GIF and WebP images can be sent.',
      ),
    )
    expect(await chat.locator('roomful-room a.attachment').count()).toBe(0)
    expect(await readdir(dir, { recursive: true })).toEqual(before)
    // The attach button is usable again.
    expect(await chat.locator('roomful-room button.attach').isEnabled()).toBe(true)
  })
})
