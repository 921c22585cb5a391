import { mkdir } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { hasBrowser } from './support/browser.js'
import { demoVisits } from './support/demo-visits.js'
import {
  bubbles,
  createRoom,
  createRoomViaApi,
  deepFocus,
  hostedChat,
  openRoom,
  say,
  seedMessages,
  siteChat,
  until,
} from './support/demo.js'

if (!hasBrowser)
  console.warn('\n!!! Chromium not found: WIDGET BROWSER TESTS ARE SKIPPED. Set CHROMIUM_PATH.\n')

// Two (or three) browser contexts on the demo host page are two (or three) different people:
// the page's "site session" is a name per tab, and its token server derives the user id from it.
describe.runIf(hasBrowser)('the widget on the demo host page', () => {
  const demo = demoVisits()
  const visit = demo.visit
  const unique = () => Math.random().toString(36).slice(2, 7)

  it('shows presence, ranking and messages live between two people, and the history to a third', async () => {
    const room = `Ridge walkers ${unique()}`
    const observer = await visit('Olive')
    const a = await visit('Alice')
    const alice = siteChat(a.page)
    await createRoom(alice, room, 'Weekend plans')
    await say(alice, 'first message, before anyone came')
    await until('Alice’s message stored', async () =>
      (await bubbles(alice)).includes('first message, before anyone came'),
    )

    const entry = siteChat(observer.page).locator('roomful-ranking button.entry', { hasText: room })
    await entry.filter({ hasText: '1 person' }).waitFor()

    const b = await visit('Bob')
    const bob = siteChat(b.page)
    await openRoom(bob, room)
    const joinedAt = Date.now()
    // Presence and ranking both reflect Bob within a second of his join.
    await until(
      'Alice sees Bob in presence',
      async () => (await alice.locator('.people-btn').textContent())?.includes('2 here'),
      1000,
    )
    await until('the ranking counts two', async () => (await entry.textContent())?.includes('2 people'), 1000)
    expect(Date.now() - joinedAt).toBeLessThan(1000)
    await alice.locator('.people-btn').click()
    await expect(alice.locator('#people li').allTextContents()).resolves.toEqual(
      expect.arrayContaining([expect.stringContaining('Alice'), expect.stringContaining('Bob')]),
    )
    await alice.locator('.people-btn').click()

    // Bob sees the history at once, including the join notices.
    expect(await bubbles(bob)).toContain('first message, before anyone came')

    await say(alice, 'hi Bob!')
    await until('Bob gets Alice’s message', async () => (await bubbles(bob)).includes('hi Bob!'), 2000)
    // Typing shows up on the other side, and goes away when the message lands.
    await bob.locator('roomful-room textarea').pressSequentially('hey Al')
    await alice.locator('[part="typing"]', { hasText: 'Bob is typing' }).waitFor({ timeout: 2000 })
    await say(bob, 'hey Alice')
    await until('Alice gets Bob’s message', async () => (await bubbles(alice)).includes('hey Alice'), 2000)
    expect(await alice.locator('[part="typing"]').textContent()).not.toContain('typing')

    // Bob leaves: Alice sees the notice, and every count drops.
    await bob.locator('roomful-room [part="back-button"]').click()
    await alice.locator('.notice', { hasText: 'Bob left' }).waitFor({ timeout: 2000 })
    await until(
      'Alice’s presence drops to one',
      async () => (await alice.locator('.people-btn').textContent())?.includes('1 here'),
      2000,
    )
    await until(
      'the ranking drops to one',
      async () => (await entry.textContent())?.includes('1 person'),
      2000,
    )

    // A third person sees the earlier conversation the moment the room opens.
    const c = await visit('Carol')
    const carol = siteChat(c.page)
    await openRoom(carol, room)
    const seen = await bubbles(carol)
    expect(seen).toEqual(
      expect.arrayContaining(['first message, before anyone came', 'hi Bob!', 'hey Alice']),
    )
    expect(seen.filter((t) => t === 'hi Bob!')).toHaveLength(1)
  })

  it('shows your own message once, and what the host page puts in the room header', async () => {
    const v = await visit('Hana')
    // The host page fills <roomful-chat>'s slot; the chat forwards it into the room's header.
    await v.page.evaluate(() => {
      const action = document.createElement('button')
      action.slot = 'room-header-actions'
      action.textContent = 'Report room'
      document.querySelector('#site-chat')!.append(action)
    })
    const chat = siteChat(v.page)
    await createRoom(chat, `Own words ${unique()}`)
    const slot = chat.locator('roomful-room [part="header"] slot[name="header-actions"]')
    expect(
      await slot.evaluate((el: HTMLSlotElement) => el.assignedElements({ flatten: true })[0]?.textContent),
    ).toBe('Report room')
    await expect(chat.locator('button', { hasText: 'Report room' }).isVisible()).resolves.toBe(true)
    for (const text of ['first of mine', 'second of mine']) await say(chat, text)
    await until('both stored', async () => (await bubbles(chat)).includes('second of mine'), 3000)
    await v.page.waitForTimeout(300) // the echoes have come by now
    expect((await bubbles(chat)).filter((t) => t.endsWith('of mine'))).toEqual([
      'first of mine',
      'second of mine',
    ])
    expect(await chat.locator('roomful-room .pending').count()).toBe(0)
  })

  it('puts a room someone creates at the top of everyone’s room list, without a reload', async () => {
    const watcher = await visit('Wendy')
    const list = siteChat(watcher.page).locator('roomful-room-list button.room')
    await list
      .first()
      .waitFor()
      .catch(() => {})
    const creator = await visit('Chris')
    const room = `Night hike ${unique()}`
    await createRoom(siteChat(creator.page), room)
    await until(
      'the new room tops the other list',
      async () => (await list.first().textContent())?.includes(room),
      2000,
    )
    // A link straight to the room (the `room` attribute) opens it without the lobby.
    const roomId = await list.first().getAttribute('data-room-id')
    const direct = await visit('Dora', { room: roomId! })
    await siteChat(direct.page).locator('roomful-room h2', { hasText: room }).waitFor()
    await siteChat(direct.page).locator('roomful-room [part="back-button"]').click()
    await siteChat(direct.page).locator('roomful-room-list button.room', { hasText: room }).waitFor()
  })

  it('signs up and logs in with a hosted account', async () => {
    const email = `hana-${unique()}@example.com`
    const first = await visit('Nobody', { tab: 'hosted' })
    const chat = hostedChat(first.page)
    await chat.locator('roomful-room-list p', { hasText: 'Log in to see the rooms' }).waitFor()
    await chat.locator('[part="lobby-header"] button', { hasText: 'Log in' }).click()
    await chat.locator('roomful-login [role=tab]', { hasText: 'Sign up' }).click()
    await chat.locator('roomful-login #name').fill('Hana')
    await chat.locator('roomful-login #email').fill(email)
    await chat.locator('roomful-login #password').fill('correct horse battery')
    await chat.locator('roomful-login button[type=submit]').click()
    await chat.locator('[part="lobby-header"] .me', { hasText: 'Hana' }).waitFor()
    await chat.locator('form.create').waitFor()

    const second = await visit('Nobody', { tab: 'hosted' })
    const again = hostedChat(second.page)
    await again.locator('[part="lobby-header"] button', { hasText: 'Log in' }).click()
    await again.locator('roomful-login #email').fill(email)
    await again.locator('roomful-login #password').fill('wrong password')
    await again.locator('roomful-login button[type=submit]').click()
    await again.locator('roomful-login [role=alert]', { hasText: 'do not match' }).waitFor()
    await again.locator('roomful-login #password').fill('correct horse battery')
    await again.locator('roomful-login button[type=submit]').click()
    await again.locator('[part="lobby-header"] .me', { hasText: 'Hana' }).waitFor()
    // Logging out ends the hosted session: the lobby asks to log in again.
    await again.locator('[part="lobby-header"] .me button', { hasText: 'Log out' }).click()
    await again.locator('[part="lobby-header"] button', { hasText: 'Log in' }).waitFor()
  })

  it('renders markup and script links in messages as inert text', async () => {
    const room = `Safety ${unique()}`
    const a = await visit('Mallory')
    const b = await visit('Victor')
    await createRoom(siteChat(a.page), room)
    const victim = siteChat(b.page)
    await openRoom(victim, room)
    const attacks = [
      '<img src=x onerror=alert(1)>',
      '<script>alert(2)</script>',
      'javascript:alert(3)',
      '[click me](javascript:alert(4)) <a href="javascript:alert(5)">x</a>',
      'safe link: https://example.com/trail?x=1',
    ]
    for (const text of attacks) await say(siteChat(a.page), text)
    await until('every message arrived', async () => (await bubbles(victim)).length >= attacks.length, 3000)
    expect(await bubbles(victim)).toEqual(attacks)
    const log = victim.locator('roomful-room .log')
    expect(await log.locator('img, script, iframe').count()).toBe(0)
    const links = await log.locator('a').evaluateAll((as) =>
      as.map((a) => ({
        href: a.getAttribute('href'),
        rel: a.getAttribute('rel'),
        target: a.getAttribute('target'),
      })),
    )
    expect(links).toEqual([
      { href: 'https://example.com/trail?x=1', rel: 'noopener noreferrer nofollow', target: '_blank' },
    ])
    // Clicking the text that looks like a link does nothing either.
    await log.locator('.bubble', { hasText: 'javascript:alert(3)' }).click()
    await b.page.waitForTimeout(300)
    expect(a.dialogs).toEqual([])
    expect(b.dialogs).toEqual([])
  })

  it('loads older messages on scrolling up without moving what is on screen', async () => {
    const room = await createRoomViaApi(demo.backend.url, `Archive ${unique()}`)
    await seedMessages(demo.backend.url, room.id, 90)
    const v = await visit('Reader')
    const chat = siteChat(v.page)
    await openRoom(chat, room.name)
    const log = chat.locator('roomful-room .log')
    const first = await bubbles(chat)
    // The latest page only (50 with the join notices), ending with the newest message.
    expect(first.length).toBeGreaterThan(30)
    expect(first.length).toBeLessThan(90)
    expect(await log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(5)
    // Scroll to the top: an older page is prepended, and the message that was at the top stays put.
    const anchorSeq = await chat.locator('roomful-room [data-seq]').first().getAttribute('data-seq')
    const anchor = chat.locator(`roomful-room [data-seq="${anchorSeq}"]`)
    // Where the anchor is the instant the log reaches the top, measured in the same task so the
    // load (which may answer within milliseconds) cannot have happened yet.
    const before = await log.evaluate((el, seq) => {
      el.scrollTop = 0
      return el.querySelector(`[data-seq="${seq}"]`)!.getBoundingClientRect().y
    }, anchorSeq)
    await until('older messages loaded', async () => (await bubbles(chat)).length > first.length, 5000)
    await v.page.waitForTimeout(100)
    const after = await anchor.boundingBox()
    expect(after).not.toBeNull()
    expect(Math.abs(after!.y - before)).toBeLessThan(60)
    // Keep scrolling up until the whole history is there, each message once.
    await until(
      'the whole history',
      async () => {
        await log.evaluate((el) => (el.scrollTop = 0))
        return (await bubbles(chat)).filter((t) => t.startsWith('seed message')).length >= 90
      },
      10_000,
    )
    const all = (await bubbles(chat)).filter((t) => t.startsWith('seed message'))
    expect(all).toHaveLength(90)
    expect(new Set(all).size).toBe(90)
    await expect(chat.locator('roomful-room .log-top').textContent()).resolves.toContain('beginning')

    // Reading old messages, a new one does not yank the view down: a pill offers to jump.
    const top = await log.evaluate((el) => el.scrollTop)
    await seedMessages(demo.backend.url, room.id, 1, 'fresh news')
    const pill = chat.locator('roomful-room button.unseen')
    await pill.waitFor({ timeout: 3000 })
    expect(Math.abs((await log.evaluate((el) => el.scrollTop)) - top)).toBeLessThan(5)
    await pill.click()
    await until('scrolled to the newest', async () =>
      log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 5),
    )
    expect((await bubbles(chat)).at(-1)).toBe('fresh news 000')
    expect(await pill.count()).toBe(0)
  })

  it('says it is offline while the network is gone and catches up when it is back', async () => {
    const room = await createRoomViaApi(demo.backend.url, `Tunnel ${unique()}`)
    const v = await visit('Otto')
    const chat = siteChat(v.page)
    await openRoom(chat, room.name)
    await v.context.setOffline(true)
    const banner = chat.locator('[part="banner"]')
    await banner.filter({ hasText: 'Reconnecting' }).waitFor({ timeout: 5000 })
    await seedMessages(demo.backend.url, room.id, 3, 'while you were away')
    await v.context.setOffline(false)
    await until('back online', async () => !(await banner.textContent())?.includes('Reconnecting'), 30_000)
    await until('missed messages arrive', async () => (await bubbles(chat)).length >= 3, 10_000)
    // Written by three people at once, so their order is the server's; each arrives once.
    expect((await bubbles(chat)).sort()).toEqual([
      'while you were away 000',
      'while you were away 001',
      'while you were away 002',
    ])
  })

  it('speaks Korean, follows the theme attribute, and pages the room list', async () => {
    await Promise.all(
      Array.from({ length: 22 }, (_, i) => createRoomViaApi(demo.backend.url, `Filler ${i} ${unique()}`)),
    )
    const v = await visit('Jiwoo', { locale: 'ko', theme: 'dark' })
    const chat = siteChat(v.page)
    await chat.locator('.top h2', { hasText: '채팅방' }).waitFor()
    await chat.locator('roomful-ranking h2', { hasText: '지금 가장 붐비는 방' }).waitFor()
    expect(await chat.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(18, 20, 25)')
    const rooms = chat.locator('roomful-room-list button.room')
    await rooms.first().waitFor()
    expect(await rooms.count()).toBe(20)
    await chat.locator('roomful-room-list .more button', { hasText: '방 더 보기' }).click()
    await until('the second page', async () => (await rooms.count()) > 20, 3000)
    const ids = await rooms.evaluateAll((bs) => bs.map((b) => b.getAttribute('data-room-id')))
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('exposes the SDK and the element classes on window.RoomfulWidget for script-tag users', async () => {
    const v = await visit('Scripty')
    const api = await v.page.evaluate(() => {
      const g = (window as unknown as { RoomfulWidget?: Record<string, unknown> }).RoomfulWidget
      return g && { createClient: typeof g.createClient, RoomfulChat: typeof g.RoomfulChat }
    })
    expect(api).toEqual({ createClient: 'function', RoomfulChat: 'function' })
    expect(await v.page.evaluate(() => customElements.get('roomful-chat') !== undefined)).toBe(true)
  })

  it('serves the custom UI built on the SDK alone, chatting with widget users', async () => {
    const room = `Plain ${unique()}`
    const w = await visit('Wanda')
    await createRoom(siteChat(w.page), room)
    const v = await visit('Sid')
    await v.page.goto(`${demo.backend.demoUrl}/custom-ui/`)
    await v.page.locator('#status', { hasText: 'Connected as' }).waitFor()
    await v.page.locator('#rooms button', { hasText: room }).click()
    await v.page.locator('#room-title', { hasText: room }).waitFor()
    await v.page.locator('#text').fill('<b>hello</b> from plain JS')
    await v.page.locator('#text').press('Enter')
    await until('the widget user sees it', async () =>
      (await bubbles(siteChat(w.page))).includes('<b>hello</b> from plain JS'),
    )
    await say(siteChat(w.page), 'hi from the widget')
    await v.page.locator('#log', { hasText: 'hi from the widget' }).waitFor()
    expect(await v.page.locator('#log b').count()).toBe(0)
  })

  it('can be used with the keyboard alone', async () => {
    const room = `Keyboard ${unique()}`
    await createRoomViaApi(demo.backend.url, room)
    const v = await visit('Kim')
    const chat = siteChat(v.page)
    await chat.locator('roomful-room-list button.room', { hasText: room }).waitFor()
    // Tab through the page until a room in the list has focus, then open it with Enter.
    const target = await chat
      .locator('roomful-room-list button.room', { hasText: room })
      .getAttribute('data-room-id')
    for (let i = 0; i < 60 && (await deepFocus(v.page))?.roomId !== target; i++)
      await v.page.keyboard.press('Tab')
    expect((await deepFocus(v.page))?.roomId).toBe(target)
    await v.page.keyboard.press('Enter')
    await chat.locator('roomful-room h2', { hasText: room }).waitFor()
    // Focus lands in the composer; if not, Tab gets there.
    for (let i = 0; i < 10 && (await deepFocus(v.page))?.tag !== 'textarea'; i++)
      await v.page.keyboard.press('Tab')
    expect((await deepFocus(v.page))?.tag).toBe('textarea')
    await chat.locator('roomful-room .log[aria-busy="false"]').waitFor()
    await v.page.keyboard.type('typed without a mouse')
    await v.page.keyboard.press('Enter')
    await until(
      'the message is sent',
      async () => (await bubbles(chat)).includes('typed without a mouse'),
      2000,
    )
    // Back to the lobby with the keyboard: focus returns to the room just left.
    const roomId = target
    for (let i = 0; i < 10 && (await deepFocus(v.page))?.part !== 'back-button'; i++)
      await v.page.keyboard.press('Shift+Tab')
    await v.page.keyboard.press('Enter')
    await until('focus is back on the room', async () => (await deepFocus(v.page))?.roomId === roomId, 2000)
    await v.page.keyboard.press('Enter')
    await chat.locator('roomful-room h2', { hasText: room }).waitFor()
    // The log is announced politely and the composer is labelled.
    await expect(chat.locator('roomful-room [role=log]').getAttribute('aria-live')).resolves.toBe('polite')
    await expect(chat.locator('roomful-room textarea').getAttribute('aria-label')).resolves.toBe(
      `Message ${room}`,
    )
  })

  it('takes screenshots of the lobby and a room, light and dark, wide and narrow', async () => {
    const dir = new URL('../../screenshots/', import.meta.url)
    await mkdir(dir, { recursive: true })
    const room = `Sunrise club ${unique()}`
    const host = await visit('Mina')
    await createRoom(siteChat(host.page), room, 'Early starts, hot coffee')
    await say(siteChat(host.page), 'Anyone up for Bukhansan on Saturday? Meeting at 6:30 at the trailhead.')
    const guest = await visit('Joon')
    await openRoom(siteChat(guest.page), room)
    await say(siteChat(guest.page), 'Count me in! Trail report: https://example.com/bukhansan')
    await say(siteChat(guest.page), 'I will bring the thermos ☕')
    await until('messages in', async () => (await bubbles(siteChat(host.page))).length >= 3, 3000)
    for (const theme of ['light', 'dark'] as const) {
      for (const width of [1280, 360]) {
        const v = await visit('Mina', { theme }, { width, height: width > 400 ? 860 : 740 })
        const chat = siteChat(v.page)
        await chat.locator('roomful-ranking button.entry').first().waitFor()
        await chat.locator('roomful-room-list button.room').first().waitFor()
        await chat.scrollIntoViewIfNeeded()
        await v.page.screenshot({ path: new URL(`lobby-${theme}-${width}.png`, dir).pathname })
        await openRoom(chat, room)
        await until('messages shown', async () => (await bubbles(chat)).length >= 3, 3000)
        await v.page.screenshot({ path: new URL(`room-${theme}-${width}.png`, dir).pathname })
        await v.context.close()
      }
    }
  })
})
