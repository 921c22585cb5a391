// Bidi controls in user text can reorder what sits around them: a name with U+202E (RIGHT-TO-LEFT
// OVERRIDE) turns "… joined" into "… denioj", and a link's text can be made to read as another
// file name than its target. Names are rendered in `<bdi>` elements where the widget has markup;
// these helpers cover the places it has only a string (attributes) and link text.

/** LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI, LRM, RLM and the Arabic letter mark. */
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g
const ISOLATE_OPEN = /[\u2066-\u2068]/
const FSI = '\u2068'
const PDI = '\u2069'

/**
 * `text` with every bidi control shown as a visible `\u202E`-style escape, so it reads in the
 * order it is stored. For text that must not look like something else: a link's label.
 *
 * @example
 * revealBidiControls('https://a.test/\u202Egnp.exe') // 'https://a.test/\\u202Egnp.exe'
 */
export function revealBidiControls(text: string): string {
  return text.replace(
    BIDI_CONTROL,
    (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`,
  )
}

/**
 * `text` with its isolates balanced: a PDI that closes nothing is dropped and an isolate left
 * open is closed. Chromium lets a stray PDI inside a `<bdi>` end the element's isolation (and
 * in an FSI…PDI string it would close ours), after which an override in the name reverses the
 * words that follow it. Embeddings and overrides need no help: the isolate's end closes them.
 */
export function balanceIsolates(text: string): string {
  let open = 0
  let out = ''
  for (const c of text) {
    if (ISOLATE_OPEN.test(c)) open++
    else if (c === PDI) {
      if (open === 0) continue
      open--
    }
    out += c
  }
  return out + PDI.repeat(open)
}

/**
 * `text` between FSI and PDI, for strings that end up in an attribute (a tooltip, an image's alt
 * text), where no `<bdi>` can go.
 *
 * @example
 * `Signed in as ${isolate(name)}`
 */
export function isolate(text: string): string {
  return FSI + balanceIsolates(text) + PDI
}

/** `text` without bidi controls: for a single letter picked out of a name (avatar initials). */
export function stripBidiControls(text: string): string {
  return text.replace(BIDI_CONTROL, '')
}
