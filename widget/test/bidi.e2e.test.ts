import { mkdir } from 'node:fs/promises'
import type { Locator } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { hasBrowser } from './support/browser.js'
import { demoVisits } from './support/demo-visits.js'
import { createRoom, openRoom, say, siteChat } from './support/demo.js'

if (!hasBrowser)
  console.warn('\n!!! Chromium not found: WIDGET BROWSER TESTS ARE SKIPPED. Set CHROMIUM_PATH.\n')

const RLO = '\u202E'
const PDI = '\u2069'

/** What the browser laid out for `word` inside an element: each letter's left edge, in text order. */
interface Layout {
  /** Left edges of the word's letters, first letter first. */
  lefts: number[]
  /** The right edge of the `<bdi>` before the word (the name), if there is one. */
  isolateRight: number | null
  /** Left edge of the word's first letter. */
  wordLeft: number
}

/**
 * Measures where Chromium drew each letter of `word` (Range.getClientRects on the text node),
 * so a test sees the visual order, not just the DOM order. Letters drawn left to right have
 * rising left edges; an override reversing the word makes them fall.
 */
function layoutOf(target: Locator, word: string): Promise<Layout> {
  return target.evaluate((root, w) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT)
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node as Text
      const at = text.data.indexOf(w)
      if (at < 0) continue
      const lefts: number[] = []
      for (let i = 0; i < w.length; i++) {
        const range = document.createRange()
        range.setStart(text, at + i)
        range.setEnd(text, at + i + 1)
        const rect = range.getClientRects()[0]
        if (!rect) throw new Error(`letter ${i} of "${w}" has no box`)
        lefts.push(rect.left)
      }
      const bdi = root.querySelector('bdi')
      return { lefts, isolateRight: bdi ? bdi.getBoundingClientRect().right : null, wordLeft: lefts[0] ?? 0 }
    }
    throw new Error(`"${w}" is not in ${root.outerHTML}`)
  }, word)
}

const leftToRight = (lefts: number[]) => lefts.every((x, i) => i === 0 || x > (lefts[i - 1] ?? 0))

describe.runIf(hasBrowser)('user text with bidi controls in the widget', () => {
  const demo = demoVisits()
  const visit = demo.visit
  const unique = () => Math.random().toString(36).slice(2, 7)

  it('keeps "joined" readable when a user named "\\u202Eevil" joins, and their typing line too', async () => {
    const room = `Mirror ${unique()}`
    const alice = siteChat((await visit('Alice')).page)
    await createRoom(alice, room)
    const evil = siteChat((await visit(`${RLO}evil`)).page)
    await openRoom(evil, room)

    const notice = alice.locator('.notice', { hasText: 'joined' }).filter({ hasText: 'evil' })
    await notice.waitFor()
    // DOM: the name sits in its own <bdi>, which Chromium lays out as an isolate.
    const sentence = notice.locator('span').first()
    await expect(sentence.locator('bdi').textContent()).resolves.toBe(`${RLO}evil`)
    await expect(sentence.locator('bdi').evaluate((el) => getComputedStyle(el).unicodeBidi)).resolves.toBe(
      'isolate',
    )
    await expect(sentence.textContent()).resolves.toBe(`${RLO}evil joined`)
    // Rendering: "joined" is drawn left to right, to the right of the name.
    const joined = await layoutOf(sentence, 'joined')
    expect(joined.lefts, 'letters of "joined" left to right').toSatisfy(leftToRight)
    expect(joined.wordLeft).toBeGreaterThanOrEqual(joined.isolateRight ?? Infinity)

    // The name stays isolated in the presence panel and the typing line as well.
    await alice.locator('.people-btn').click()
    const person = alice.locator('#people li .person').filter({ hasText: 'evil' })
    await expect(person.getAttribute('dir')).resolves.toBe('auto')
    await evil.locator('roomful-room textarea').pressSequentially('hi', { delay: 50 })
    const typing = alice.locator('[part="typing"]', { hasText: 'is typing' })
    await typing.waitFor({ timeout: 3000 })
    await expect(typing.locator('bdi').textContent()).resolves.toBe(`${RLO}evil`)
    expect((await layoutOf(typing, 'is typing')).lefts).toSatisfy(leftToRight)

    // A picture for a person to look at (screenshots/ is not committed).
    const dir = new URL('../../screenshots/', import.meta.url)
    await mkdir(dir, { recursive: true })
    await alice.locator('.people-btn').click()
    await alice.locator('roomful-room').screenshot({ path: new URL('bidi-join-notice.png', dir).pathname })
  })

  it('measures a reversal where the name is not isolated (the check above can fail)', async () => {
    // The same sentence without <bdi>, on the same page: the override reverses "joined", and
    // the measurement sees it. Guards against a layout check that passes whatever is drawn.
    const page = demo.visitors[0]?.page ?? (await visit('Olive')).page
    await page.evaluate((rlo) => {
      const p = document.createElement('p')
      p.id = 'bare'
      p.textContent = `${rlo}evil joined`
      document.body.prepend(p)
    }, RLO)
    expect((await layoutOf(page.locator('#bare'), 'joined')).lefts).not.toSatisfy(leftToRight)
  })

  it('keeps the sentence in order when the name tries to close the isolate with a stray PDI', async () => {
    const room = `Stray ${unique()}`
    const alice = siteChat((await visit('Ana')).page)
    await createRoom(alice, room)
    const sneaky = siteChat((await visit(`${PDI}${RLO}sneaky`)).page)
    await openRoom(sneaky, room)
    const sentence = alice.locator('.notice span', { hasText: 'sneaky' }).filter({ hasText: 'joined' })
    await sentence.waitFor()
    expect((await layoutOf(sentence, 'joined')).lefts).toSatisfy(leftToRight)
  })

  it('isolates names the same way in the custom UI built on the SDK alone', async () => {
    const room = `Plain mirror ${unique()}`
    const w = await visit('Wanda')
    await createRoom(siteChat(w.page), room)
    await w.page.goto(`${demo.backend.demoUrl}/custom-ui/`)
    await w.page.locator('#rooms button', { hasText: room }).click()
    await w.page.locator('#room-title', { hasText: room }).waitFor()

    await openRoom(siteChat((await visit(`${RLO}evil`)).page), room)
    const notice = w.page.locator('#log .notice', { hasText: 'evil' })
    await notice.waitFor()
    await expect(notice.locator('bdi').textContent()).resolves.toBe(`${RLO}evil`)
    expect((await layoutOf(notice, 'joined')).lefts).toSatisfy(leftToRight)
    const presence = w.page.locator('#presence', { hasText: 'evil' })
    await presence.waitFor()
    await expect(presence.locator('bdi').allTextContents()).resolves.toContain(`${RLO}evil`)
  })

  it('shows a link whose text has an override as its real address, in order, with the real href', async () => {
    const room = `Links ${unique()}`
    const a = siteChat((await visit('Lena')).page)
    await createRoom(a, room)
    const b = siteChat((await visit('Mo')).page)
    await openRoom(b, room)
    // An override before the link too: it must not reverse the link's label either.
    await say(b, `${RLO}look https://a.test/${RLO}gnp.exe`)
    const link = a.locator('.bubble a[part="link"]').last()
    await link.waitFor()
    await expect(link.getAttribute('href')).resolves.toBe('https://a.test/%E2%80%AEgnp.exe')
    const label = await link.evaluate((el) => (el as HTMLElement).innerText)
    expect(label).toBe('https://a.test/\\u202Egnp.exe')
    expect(label).not.toContain('exe.png')
    expect((await layoutOf(link, 'https://a.test/')).lefts).toSatisfy(leftToRight)
    expect((await layoutOf(link, 'gnp.exe')).lefts).toSatisfy(leftToRight)
  })
})
