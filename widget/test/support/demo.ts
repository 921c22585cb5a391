import { WebSocket } from 'ws'
import type { Locator, Page } from 'playwright-core'
import { createClient, type WebSocketConstructor } from '@roomful/sdk'
import { mintUserToken } from '../../../backend/test/support/tokens.js'

export const DEMO_APP = 'demo'
export const DEMO_SECRET = 'roomful-demo-secret-change-me'

/** Polls `check` until it returns a truthy value; fails with `what` after `timeout` ms. */
export async function until<T>(what: string, check: () => Promise<T> | T, timeout = 10_000): Promise<T> {
  const deadline = Date.now() + timeout
  let last: unknown
  for (;;) {
    try {
      const value = await check()
      if (value) return value
    } catch (err) {
      last = err
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeout} ms waiting for ${what}${last ? `: ${last}` : ''}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/** The widget signed in through the host site (the page's first tab). */
export const siteChat = (page: Page): Locator => page.locator('#site-chat')
/** The widget with hosted email login (the page's second tab). */
export const hostedChat = (page: Page): Locator => page.locator('#hosted-chat')

/** Creates a room through the widget's create box; the widget then opens it. */
export async function createRoom(chat: Locator, name: string, topic = ''): Promise<void> {
  await chat.locator('form.create input[name=name]').fill(name)
  if (topic) await chat.locator('form.create input[name=topic]').fill(topic)
  await chat.locator('form.create button[type=submit]').click()
  await chat.locator('roomful-room h2', { hasText: name }).waitFor()
  await chat.locator('roomful-room textarea').waitFor()
}

/** Opens a room from the lobby's room list by name and waits for its log. */
export async function openRoom(chat: Locator, name: string): Promise<void> {
  await chat.locator('roomful-room-list button.room', { hasText: name }).first().click()
  await chat.locator('roomful-room h2', { hasText: name }).waitFor()
  await chat.locator('roomful-room .log[aria-busy="false"]').waitFor()
}

/** Types into the composer and sends with Enter. */
export async function say(chat: Locator, text: string): Promise<void> {
  const input = chat.locator('roomful-room textarea')
  await input.fill(text)
  await input.press('Enter')
}

/** Texts of the message bubbles in the room's log, oldest first. */
export function bubbles(chat: Locator): Promise<string[]> {
  return chat.locator('roomful-room .msg:not(.pending) .bubble').allTextContents()
}

/** The element that has focus, looking inside shadow roots. */
export function deepFocus(
  page: Page,
): Promise<{ tag: string; part: string | null; roomId: string | null } | null> {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement
    return el
      ? {
          tag: el.tagName.toLowerCase(),
          part: el.getAttribute('part'),
          roomId: el.getAttribute('data-room-id'),
        }
      : null
  })
}

/** Writes `count` messages into a room through the SDK, as several users (to stay under rate limits). */
export async function seedMessages(
  backendUrl: string,
  roomId: string,
  count: number,
  prefix = 'seed message',
): Promise<void> {
  const writers = Math.min(5, count)
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const token = await mintUserToken(DEMO_APP, DEMO_SECRET, { sub: `seed-${w}`, name: `Seeder ${w + 1}` })
      const client = createClient({
        url: backendUrl,
        appId: DEMO_APP,
        token,
        WebSocket: WebSocket as unknown as WebSocketConstructor,
      })
      const room = client.room(roomId)
      await room.join()
      for (let i = w; i < count; i += writers) {
        for (;;) {
          try {
            await room.send({ text: `${prefix} ${String(i).padStart(3, '0')}` })
            break
          } catch (err) {
            if ((err as { code?: string }).code !== 'rate_limited') throw err
            await new Promise((resolve) => setTimeout(resolve, 200))
          }
        }
      }
      await room.leave()
      client.close()
    }),
  )
}

/** Creates a room over REST as a host-site user. */
export async function createRoomViaApi(
  backendUrl: string,
  name: string,
): Promise<{ id: string; name: string }> {
  const token = await mintUserToken(DEMO_APP, DEMO_SECRET, { sub: 'seed-owner', name: 'Seed owner' })
  const res = await fetch(`${backendUrl}/v1/apps/${DEMO_APP}/rooms`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  })
  if (!res.ok) throw new Error(`unable to create a room; ${res.status} ${await res.text()}`)
  return (await res.json()) as { id: string; name: string }
}
