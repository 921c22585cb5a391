import { existsSync } from 'node:fs'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

/** Debian's Chromium; override with CHROMIUM_PATH. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

/** Whether a browser is installed: e2e files skip (loudly) without one. */
/** Locally a missing Chromium skips the browser tests with a warning (see the test files); in
 * CI it fails the run, because browser tests that never ran must not pass. */
export const hasBrowser = existsSync(CHROMIUM)
if (!hasBrowser && process.env.CI)
  throw new Error(`unable to run browser tests; no Chromium at ${CHROMIUM} (CI requires it)`)

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true })
}

export interface Visitor {
  context: BrowserContext
  page: Page
  /** Page errors, console errors and dialogs seen so far (a dialog means script ran). */
  problems: string[]
  dialogs: string[]
}

/**
 * A fresh browser context (its own storage: a different person) on the demo host page,
 * signed in to the host site as `name`.
 */
export async function openVisitor(
  browser: Browser,
  demoUrl: string,
  options: {
    name?: string
    query?: Record<string, string>
    viewport?: { width: number; height: number }
    /** A user token the host site's `/token` hands out instead of the one it would mint. */
    token?: string
  } = {},
): Promise<Visitor> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 900 } })
  const token = options.token
  if (token) await context.route('**/token', (route) => route.fulfill({ json: { token } }))
  const page = await context.newPage()
  const problems: string[] = []
  const dialogs: string[] = []
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`))
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`)
  })
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`)
    void dialog.dismiss()
  })
  const query = new URLSearchParams({ ...(options.name && { name: options.name }), ...options.query })
  const qs = String(query)
  await page.goto(`${demoUrl}/${qs ? `?${qs}` : ''}`)
  return { context, page, problems, dialogs }
}
