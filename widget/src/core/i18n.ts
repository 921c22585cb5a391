// The widget's strings and its locale registry: English and Korean are built in; a site adds a
// language, or changes single strings of any language, with `registerLocale()`. Any string a
// locale leaves out falls back to English.
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import { en } from './locales/en.js'
import { ko } from './locales/ko.js'

/** A language tag the widget has strings for: `en` and `ko` built in, plus any registered. */
export type Locale = 'en' | 'ko' | (string & {})
/** The named values a string is filled with, e.g. `{ name: 'Mina' }` or `{ n: 3 }`. */
export type TranslationParams = Record<string, string | number>
/** One string: text, or a function of its parameters (for plurals and word order). */
export type Translation = string | ((params: TranslationParams) => string)
/** The key of every string the widget shows (see the English strings for the full list). */
export type MessageKey = keyof typeof en
/** Strings of one language; a key left out falls back to English. */
export type Translations = { [K in MessageKey]?: Translation }

const registry = new Map<string, Translations>([
  ['en', en],
  ['ko', ko],
])
const listeners = new Set<() => void>()

/**
 * Adds a language, or changes strings of one already there (the same call: strings are merged
 * over what the tag had). Elements on the page re-render in place.
 *
 * @example
 * registerLocale('ja', { 'lobby.title': 'チャットルーム', 'room.send': '送信' })
 * registerLocale('en', { 'room.placeholder': 'Ask the trail guides…' })
 */
export function registerLocale(tag: string, strings: Translations): void {
  let canonical: string | undefined
  try {
    canonical = Intl.getCanonicalLocales(tag)[0]
  } catch {
    // reported below
  }
  if (!canonical) throw new TypeError(`unable to register locale "${tag}"; it is not a BCP 47 language tag`)
  for (const [key, value] of Object.entries(strings)) {
    if (typeof value !== 'string' && typeof value !== 'function')
      throw new TypeError(`unable to register locale "${tag}"; "${key}" must be a string or a function`)
  }
  const unknown = Object.keys(strings).filter((key) => !(key in en))
  // A strings file made for another widget version may carry keys this one lacks: not fatal.
  if (unknown.length) console.warn(`Roomful: locale "${tag}" sets unknown strings: ${unknown.join(', ')}`)
  const key = canonical.toLowerCase()
  registry.set(key, { ...registry.get(key), ...strings })
  for (const listener of listeners) listener()
}

/**
 * Picks the widget's language: the `locale` attribute if we have strings for it, else the
 * browser's, else English. `pt-BR` falls back to `pt` when only that is registered.
 */
export function resolveLocale(requested?: string | null): Locale {
  for (const tag of [requested, globalThis.navigator?.language]) {
    const parts = tag ? tag.toLowerCase().split('-') : []
    for (; parts.length; parts.pop()) if (registry.has(parts.join('-'))) return parts.join('-')
  }
  return 'en'
}

/** Translates `key` for `locale`, filling `{name}`-style parameters. */
export function translate(locale: Locale, key: MessageKey, params: TranslationParams = {}): string {
  const entry = registry.get(locale)?.[key] ?? registry.get('en')?.[key] ?? en[key]
  return typeof entry === 'function' ? entry(params) : entry
}

/** Re-renders its element whenever a locale is registered or changed. */
export class LocaleController implements ReactiveController {
  private readonly rerender = () => this.host.requestUpdate()

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this)
  }

  hostConnected(): void {
    listeners.add(this.rerender)
  }

  hostDisconnected(): void {
    listeners.delete(this.rerender)
  }
}

/**
 * A human sentence for an SDK error, by its stable code; unknown codes get a generic line. `n`
 * is the whole seconds to wait, for errors that say (`slow_mode`).
 */
export function errorText(locale: Locale, err: unknown): string {
  const { code, retryAfterMs } = (err ?? {}) as { code?: unknown; retryAfterMs?: number }
  const key = `error.${String(code)}` as MessageKey
  return translate(locale, key in en ? key : 'error.generic', { n: Math.ceil((retryAfterMs ?? 0) / 1000) })
}

/** `code` of an SDK error, if it has one. */
export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}
