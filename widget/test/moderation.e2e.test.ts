import { mkdir } from 'node:fs/promises'
import type { Locator, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { hasBrowser } from './support/browser.js'
import { demoVisits } from './support/demo-visits.js'
import { bubbles, createRoom, deepFocus, openRoom, say, siteChat, until } from './support/demo.js'

if (!hasBrowser)
  console.warn('\n!!! Chromium not found: WIDGET BROWSER TESTS ARE SKIPPED. Set CHROMIUM_PATH.\n')

/** The log entry of the (stored) message that says `text`. */
const messageSaying = (chat: Locator, text: string) =>
  chat.locator('roomful-room .msg:not(.pending)', { has: chat.page().locator('.bubble', { hasText: text }) })

/** Opens a message's menu from the keyboard only: focus its button, Enter. */
async function openMenu(message: Locator): Promise<Locator> {
  await message.locator('[part="menu-button"]').focus()
  await message.page().keyboard.press('Enter')
  const menu = message.locator('[role="menu"]')
  await menu.waitFor()
  return menu
}

/** Saves what the page looks like now under screenshots/ (for people reviewing the look). */
async function snapshot(page: Page, name: string): Promise<void> {
  const dir = new URL('../../screenshots/', import.meta.url)
  await mkdir(dir, { recursive: true })
  await page.screenshot({ path: new URL(`moderation-${name}.png`, dir).pathname })
}

/** The labels of an open menu's items. */
const items = async (menu: Locator) =>
  (await menu.locator('[role="menuitem"]').allTextContents()).map((t) => t.trim())

/** The accessible name of the element with focus (inside shadow roots). */
const focusedText = (page: Page) =>
  page.evaluate(() => {
    let el: Element | null = document.activeElement
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement
    return el?.textContent?.trim() ?? ''
  })

// Moderation as people meet it in the widget: a menu on each message, reached and used from
// the keyboard, and tombstones that every member sees at once and after a reload.
describe.runIf(hasBrowser)('moderation in the widget', () => {
  const demo = demoVisits()
  const unique = () => Math.random().toString(36).slice(2, 7)

  it('lets a sender edit and delete their own message from the keyboard; others see it live', async () => {
    const room = `Edits ${unique()}`
    const a = await demo.visit('Ara')
    const b = await demo.visit('Beom')
    const ara = siteChat(a.page)
    const beom = siteChat(b.page)
    await createRoom(ara, room)
    await openRoom(beom, room)
    await say(ara, 'meet at the trialhead')
    await say(beom, 'see you there')
    await until('Ara has both messages', async () => (await bubbles(ara)).includes('see you there'))

    // A plain user's menu is on their own messages only.
    await expect(messageSaying(ara, 'see you there').locator('[part="menu-button"]').count()).resolves.toBe(0)

    // Edit: Enter opens the menu on its first item, Edit; Enter opens the editor.
    const mine = messageSaying(ara, 'meet at the trialhead')
    const menu = await openMenu(mine)
    expect(await items(menu)).toEqual(['Edit', 'Delete'])
    expect(await focusedText(a.page)).toBe('Edit')
    await snapshot(a.page, 'menu')
    await a.page.keyboard.press('Enter')
    const editor = ara.locator('roomful-room .edit textarea')
    await editor.waitFor()
    expect((await deepFocus(a.page))?.tag).toBe('textarea')
    // Escape leaves the message as it was, and gives focus back to the menu button.
    await a.page.keyboard.press('Escape')
    await editor.waitFor({ state: 'detached' })
    expect((await deepFocus(a.page))?.part).toBe('menu-button')
    await a.page.keyboard.press('Enter')
    await a.page.keyboard.press('Enter')
    await editor.waitFor()
    await a.page.keyboard.press('ControlOrMeta+A')
    await a.page.keyboard.type('meet at the trailhead')
    await a.page.keyboard.press('Enter')
    const fixed = messageSaying(ara, 'meet at the trailhead')
    await fixed.locator('[part="edited"]', { hasText: '(edited)' }).waitFor()
    expect((await deepFocus(a.page))?.part).toBe('menu-button')
    await messageSaying(beom, 'meet at the trailhead').locator('[part="edited"]').waitFor({ timeout: 2000 })
    expect(await bubbles(beom)).not.toContain('meet at the trialhead')

    // Delete: ArrowDown to Delete, Enter asks first; Escape there keeps the message.
    await openMenu(fixed)
    await a.page.keyboard.press('ArrowDown')
    expect(await focusedText(a.page)).toBe('Delete')
    await a.page.keyboard.press('Enter')
    const confirm = ara.locator('roomful-room [part="confirm"]')
    await confirm.waitFor()
    expect(await confirm.textContent()).toContain('Delete this message?')
    await snapshot(a.page, 'confirm')
    await a.page.keyboard.press('Escape')
    await confirm.waitFor({ state: 'detached' })
    expect(await bubbles(ara)).toContain('meet at the trailhead')
    await openMenu(fixed)
    await a.page.keyboard.press('ArrowUp') // wraps round to the last item, Delete
    await a.page.keyboard.press('Enter')
    await confirm.waitFor()
    expect(await focusedText(a.page)).toBe('Delete')
    await a.page.keyboard.press('Enter')

    for (const chat of [ara, beom])
      await until(
        'the tombstone in place of the message',
        async () => (await bubbles(chat)).join('|') === 'Message deleted|see you there',
        2000,
      )
    await snapshot(b.page, 'tombstone')
    // The tombstone has no menu, and stays a tombstone after a reload (from history).
    await expect(
      ara
        .locator('roomful-room .msg', { hasText: 'Message deleted' })
        .locator('[part="menu-button"]')
        .count(),
    ).resolves.toBe(0)
    await b.page.reload()
    await openRoom(beom, room)
    expect(await bubbles(beom)).toEqual(['Message deleted', 'see you there'])
    expect(await beom.locator('roomful-room [part~="deleted"]').count()).toBe(1)
  })

  it('lets a moderator delete anyone’s message; the sender sees the tombstone live (in Korean)', async () => {
    const room = `Moderated ${unique()}`
    const m = await demo.moderator('Mod Mina')
    const u = await demo.visit('Spammy Sam', { locale: 'ko' })
    const mod = siteChat(m.page)
    const sam = siteChat(u.page)
    await createRoom(mod, room)
    await openRoom(sam, room)
    await say(sam, 'cheap boots, click here')
    await until('the moderator has Sam’s message', async () =>
      (await bubbles(mod)).includes('cheap boots, click here'),
    )

    const modMenu = await openMenu(messageSaying(mod, 'cheap boots, click here'))
    // Not the moderator's message: no Edit; Delete comes first.
    expect((await items(modMenu))[0]).toBe('Delete')
    expect(await items(modMenu)).not.toContain('Edit')
    expect(await focusedText(m.page)).toBe('Delete')
    await m.page.keyboard.press('Enter')
    await mod.locator('roomful-room [part="confirm"]').waitFor()
    await m.page.keyboard.press('Enter')

    await until(
      'Sam sees the tombstone',
      async () => (await bubbles(sam)).includes('삭제된 메시지입니다'),
      2000,
    )
    expect(await bubbles(sam)).not.toContain('cheap boots, click here')
    await until('the moderator sees it too', async () => (await bubbles(mod)).includes('Message deleted'))
    // Sam can no longer act on the tombstone of his own message.
    await expect(sam.locator('roomful-room [part="menu-button"]').count()).resolves.toBe(0)

    // In Korean, his own menu and the edited mark speak Korean too.
    await say(sam, 'sorry, wrong room')
    const own = messageSaying(sam, 'sorry, wrong room')
    const menu = await openMenu(own)
    expect(await items(menu)).toEqual(['수정', '삭제'])
    await u.page.keyboard.press('Enter')
    await u.page.keyboard.press('End')
    await u.page.keyboard.type('!')
    await u.page.keyboard.press('Enter')
    await messageSaying(sam, 'sorry, wrong room!')
      .locator('[part="edited"]', { hasText: '(수정됨)' })
      .waitFor()
    await messageSaying(mod, 'sorry, wrong room!')
      .locator('[part="edited"]', { hasText: '(edited)' })
      .waitFor()
  })

  it('gives moderators a room settings panel whose slow mode, read-only and archive members feel live', async () => {
    const room = `Settings ${unique()}`
    const m = await demo.moderator('Mod Ada')
    const u = await demo.visit('Uma')
    const v = await demo.visit('Vic')
    const mod = siteChat(m.page)
    const uma = siteChat(u.page)
    // Vic stays in the lobby, whose list follows the room's settings.
    const inVicsLobby = siteChat(v.page).locator('roomful-room-list button.room', { hasText: room })
    await createRoom(mod, room)
    await openRoom(uma, room)
    await inVicsLobby.waitFor()
    // Only a moderator has the button.
    await expect(uma.locator('roomful-room [part="settings-button"]').count()).resolves.toBe(0)

    const button = mod.locator('roomful-room [part="settings-button"]')
    await button.focus()
    await m.page.keyboard.press('Enter')
    const panel = mod.locator('roomful-room [part="settings"]')
    await panel.waitFor()
    expect((await deepFocus(m.page))?.tag).toBe('input')
    // Escape closes it and gives focus back to the button.
    await m.page.keyboard.press('Escape')
    await panel.waitFor({ state: 'detached' })
    expect((await deepFocus(m.page))?.part).toBe('settings-button')

    // Slow mode: a second message too soon is refused, in words that say how long to wait.
    await m.page.keyboard.press('Enter')
    await m.page.keyboard.press('ControlOrMeta+A')
    await m.page.keyboard.type('30')
    await m.page.keyboard.press('Enter')
    await panel.waitFor({ state: 'detached' })
    await say(uma, 'first under slow mode')
    await until('the first is stored', async () => (await bubbles(uma)).includes('first under slow mode'))
    await say(uma, 'second, too soon')
    const status = uma.locator('roomful-room .composer-status')
    await until('the slow-mode notice', async () =>
      /Slow mode is on: you can send again in \d+ seconds\./.test((await status.textContent()) ?? ''),
    )
    expect(await status.textContent()).not.toContain('slow_mode')

    // Read-only: Uma's composer turns off at once and says why; archive says so too.
    await button.click()
    await panel.locator('input[name="slow"]').fill('0')
    await panel.locator('input[name="readOnly"]').check()
    await panel.locator('button', { hasText: 'Save' }).click()
    const notice = uma.locator('roomful-room [part="send-notice"]')
    await notice.filter({ hasText: 'Only moderators can write in this room.' }).waitFor({ timeout: 2000 })
    expect(await uma.locator('roomful-room textarea').isDisabled()).toBe(true)
    // The moderator still writes.
    expect(await mod.locator('roomful-room textarea').isDisabled()).toBe(false)
    await button.click()
    await panel.locator('input[name="readOnly"]').uncheck()
    await panel.locator('input[name="archived"]').check()
    await panel.locator('button', { hasText: 'Save' }).click()
    await notice.filter({ hasText: 'This room is archived' }).waitFor({ timeout: 2000 })
    // An archived room leaves the lobby without a reload, and comes back when unarchived.
    await inVicsLobby.waitFor({ state: 'detached', timeout: 2000 })
    await button.click()
    await panel.locator('input[name="archived"]').uncheck()
    await panel.locator('button', { hasText: 'Save' }).click()
    await inVicsLobby.waitFor({ timeout: 2000 })
  })

  it('lets a moderator mute and ban a sender from the message menu; each hears it plainly', async () => {
    const room = `Sanctions ${unique()}`
    const m = await demo.moderator('Mod Jun')
    const l = await demo.visit('Loud Lee')
    const t = await demo.visit('Troll Tom')
    const mod = siteChat(m.page)
    const lee = siteChat(l.page)
    const tom = siteChat(t.page)
    await createRoom(mod, room)
    await openRoom(lee, room)
    await openRoom(tom, room)
    await say(lee, 'ALL CAPS ALL DAY')
    await say(tom, 'you are all fools')
    await until('the moderator has both', async () => (await bubbles(mod)).includes('you are all fools'))

    // Mute Lee, keyboard only: the menu's last item, then a reason and Enter.
    const menu = await openMenu(messageSaying(mod, 'ALL CAPS ALL DAY'))
    expect(await items(menu)).toEqual(['Delete', 'Ban sender', 'Mute sender'])
    expect(await focusedText(m.page)).toBe('Delete')
    await m.page.keyboard.press('ArrowUp') // wraps round to the last
    expect(await focusedText(m.page)).toBe('Mute sender')
    await m.page.keyboard.press('Enter')
    const confirm = mod.locator('roomful-room [part="confirm"]')
    await confirm.waitFor()
    expect(await confirm.textContent()).toContain('Mute Loud Lee in every room?')
    expect((await deepFocus(m.page))?.tag).toBe('input')
    await m.page.keyboard.type('shouting')
    await m.page.keyboard.press('Enter')
    await confirm.waitFor({ state: 'detached' })
    expect((await deepFocus(m.page))?.part).toBe('menu-button')

    // Lee reads on, but his composer is off and says why.
    const notice = lee.locator('roomful-room [part="send-notice"]')
    await notice.waitFor({ timeout: 2000 })
    expect(await notice.textContent()).toContain('You are muted')
    expect(await notice.textContent()).toContain('Reason: shouting.')
    expect(await lee.locator('roomful-room textarea').isDisabled()).toBe(true)
    await snapshot(l.page, 'muted')

    // Ban Tom with a reason: his widget says he is banned, and why, and stops.
    await openMenu(messageSaying(mod, 'you are all fools'))
    await m.page.keyboard.press('ArrowDown')
    expect(await focusedText(m.page)).toBe('Ban sender')
    await m.page.keyboard.press('Enter')
    await confirm.waitFor()
    await m.page.keyboard.type('insults')
    await m.page.keyboard.press('Enter')
    await confirm.waitFor({ state: 'detached' })

    const banned = tom.locator('roomful-room [role="alert"]')
    await banned.waitFor({ timeout: 3000 })
    expect(await banned.textContent()).toContain('You are banned from this chat.')
    expect(await banned.textContent()).toContain('Reason: insults.')
    expect(await tom.locator('[part="banner"]').textContent()).toContain('You are banned from this chat.')
    expect(await tom.locator('roomful-room [part="send-button"]').isDisabled()).toBe(true)
    expect(await tom.locator('roomful-room textarea').isDisabled()).toBe(true)
    await snapshot(t.page, 'banned')
    // A reload does not let him back in: the server refuses his fresh token.
    await t.page.reload()
    await until(
      'the reloaded widget says Tom is banned',
      async () => (await tom.locator('[part="banner"]').textContent())?.includes('You are banned'),
      5000,
    )
    // His widget's REST calls are refused as well (403): the browser logs each one. Those, and
    // nothing else, are expected on his page.
    const refused = t.problems.filter((p) => p.includes('status of 403'))
    expect(t.problems.filter((p) => !p.includes('status of 403') && !p.includes('401'))).toEqual([])
    t.problems.splice(0, t.problems.length, ...t.problems.filter((p) => !refused.includes(p)))
  })
})
