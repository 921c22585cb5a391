import { revealBidiControls } from './bidi.js'

/** A run of message text: plain, or a link that is safe to make clickable. */
export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string }

// Only http(s) URLs are ever linked; anything else (javascript:, data:, vbscript:, …) stays text.
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi
const TRAILING = /[.,;:!?'"»”’]+$/

/**
 * Splits message text into text and link parts. Pure: it returns data, and the caller renders
 * each part with Lit text bindings, so nothing in the text is ever parsed as HTML. A link's
 * `text` shows any bidi control in it as a `\u202E`-style escape; its `href` is the real target.
 *
 * @example
 * linkify('see https://example.com.') // [{kind:'text',text:'see '}, {kind:'link',…}, {kind:'text',text:'.'}]
 */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = []
  let last = 0
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index ?? 0
    const raw = trimUrl(match[0])
    const href = safeHref(raw)
    if (!href) continue
    if (start > last) parts.push({ kind: 'text', text: text.slice(last, start) })
    // Bidi controls would let the label read as another address than the href (RLO turns
    // `/\u202Egnp.exe` into "/exe.png"), so the label shows them as visible escapes.
    parts.push({ kind: 'link', text: revealBidiControls(raw), href })
    last = start + raw.length
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) })
  return parts
}

/** Drops sentence punctuation and an unbalanced closing parenthesis from the end of a URL. */
function trimUrl(raw: string): string {
  let url = raw
  for (;;) {
    const trimmed = url.replace(TRAILING, '')
    const opens = trimmed.split('(').length - 1
    const closes = trimmed.split(')').length - 1
    const next = trimmed.endsWith(')') && closes > opens ? trimmed.slice(0, -1) : trimmed
    if (next === url) return url
    url = next
  }
}

/** The normalized href if `raw` is an http(s) URL, else null. */
export function safeHref(raw: string): string | null {
  try {
    const url = new URL(raw)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null
  } catch {
    return null
  }
}
