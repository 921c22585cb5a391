import { html, type TemplateResult } from 'lit'
import { balanceIsolates, isolate, stripBidiControls } from './bidi.js'
import { translate, type Locale, type MessageKey, type TranslationParams } from './i18n.js'

// Private-use characters: no locale's own words contain them, so a marker in the translated
// sentence can only be one this file put there.
const MARKER = /\uE000(\d+)\uE001/
const MARKER_PART = /[\uE000\uE001]/

/**
 * A translated sentence with every string parameter (a name, a room) in its own `<bdi>`, so
 * bidi controls or right-to-left letters in it cannot reorder the widget's words around it.
 * Locales stay plain string functions: each value goes in as a marker, and the markers are
 * swapped for `<bdi>` elements afterwards. A locale that cuts a value short breaks its marker;
 * then the sentence is built again from FSI/PDI-isolated values with their controls taken out
 * (the cut may have taken our PDI too, so the sentence's isolates are closed at its end).
 *
 * @example
 * html`<span>${translateIsolated('en', 'room.joined', { name: user.name })}</span>`
 */
export function translateIsolated(
  locale: Locale,
  key: MessageKey,
  params: TranslationParams,
): TemplateResult | string {
  const values: string[] = []
  const marked: TranslationParams = {}
  for (const [name, value] of Object.entries(params)) {
    if (typeof value !== 'string') marked[name] = value
    else marked[name] = `\uE000${values.push(value) - 1}\uE001`
  }
  const pieces = translate(locale, key, marked).split(MARKER)
  // split() with a capture group puts the marker numbers at the odd indexes.
  if (pieces.some((piece, i) => i % 2 === 0 && MARKER_PART.test(piece))) {
    const isolated = Object.fromEntries(
      Object.entries(params).map(([name, value]) => [
        name,
        typeof value === 'string' ? isolate(stripBidiControls(value)) : value,
      ]),
    )
    return balanceIsolates(translate(locale, key, isolated))
  }
  return html`${pieces.map((piece, i) => (i % 2 === 0 ? piece : html`<bdi>${balanceIsolates(values[Number(piece)] ?? '')}</bdi>`))}`
}
