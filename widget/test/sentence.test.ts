import type { TemplateResult } from 'lit'
import { describe, expect, it } from 'vitest'
import { registerLocale } from '../src/core/i18n.js'
import { translateIsolated } from '../src/core/sentence.js'

const RLO = '\u202E'
const PDI = '\u2069'

/** The pieces of a translated sentence: plain strings, and `<bdi>…</bdi>` for isolated values. */
function pieces(result: TemplateResult | string): string[] {
  if (typeof result === 'string') return [result]
  const [parts] = result.values as [Array<string | TemplateResult>]
  return parts
    .map((part) =>
      typeof part === 'string' ? part : `${part.strings[0]}${String(part.values[0])}${part.strings[1]}`,
    )
    .filter(Boolean)
}

describe('translateIsolated', () => {
  it('puts each name in its own <bdi> and keeps the widget’s words as text', () => {
    expect(pieces(translateIsolated('en', 'room.joined', { name: `${RLO}evil` }))).toEqual([
      `<bdi>${RLO}evil</bdi>`,
      ' joined',
    ])
    expect(pieces(translateIsolated('en', 'room.typing2', { a: 'Ana', b: 'שלום' }))).toEqual([
      '<bdi>Ana</bdi>',
      ' and ',
      '<bdi>שלום</bdi>',
      ' are typing…',
    ])
    expect(pieces(translateIsolated('ko', 'room.left', { name: 'Mina' }))).toEqual([
      '<bdi>Mina</bdi>',
      ' 님이 나갔어요',
    ])
  })

  it('drops a PDI in a name that would end the <bdi>’s isolation', () => {
    expect(pieces(translateIsolated('en', 'room.joined', { name: `${PDI}${RLO}x` }))).toEqual([
      `<bdi>${RLO}x</bdi>`,
      ' joined',
    ])
  })

  it('falls back to FSI…PDI, without overrides, when a locale function cuts the name', () => {
    registerLocale('qaa', { 'room.joined': (p) => `${String(p.name).slice(0, 2)} is here` })
    // The cut takes the closing PDI with it: the sentence's end closes the isolate instead, and
    // no override is left to reverse "is here".
    expect(translateIsolated('qaa', 'room.joined', { name: `${RLO}evil` })).toBe(`\u2068e is here${PDI}`)
    expect(translateIsolated('qaa', 'room.joined', { name: 'Mo' })).toBe(`\u2068M is here${PDI}`)
  })
})
