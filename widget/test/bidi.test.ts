import { describe, expect, it } from 'vitest'
import { balanceIsolates, isolate, revealBidiControls, stripBidiControls } from '../src/core/bidi.js'
import { initials } from '../src/core/format.js'

const FSI = '\u2068'
const PDI = '\u2069'
const RLI = '\u2067'
const RLO = '\u202E'

describe('isolate', () => {
  it('wraps text in FSI…PDI', () => {
    expect(isolate(`${RLO}evil`)).toBe(`${FSI}${RLO}evil${PDI}`)
  })

  it('drops a PDI that would close the isolate early', () => {
    expect(isolate(`${PDI}${RLO}evil`)).toBe(`${FSI}${RLO}evil${PDI}`)
    expect(isolate(`a${RLI}b${PDI}${PDI}c`)).toBe(`${FSI}a${RLI}b${PDI}c${PDI}`)
  })

  it('closes isolates the text left open, so the last PDI is ours', () => {
    expect(isolate(`${RLI}${RLI}x`)).toBe(`${FSI}${RLI}${RLI}x${PDI}${PDI}${PDI}`)
  })
})

describe('balanceIsolates', () => {
  it('leaves ordinary and right-to-left text unchanged', () => {
    for (const text of ['Mina', 'שלום', 'مرحبا', `a${RLI}b${PDI}`]) expect(balanceIsolates(text)).toBe(text)
  })
})

describe('revealBidiControls', () => {
  it('shows each control as a visible escape', () => {
    expect(revealBidiControls(`/${RLO}gnp.exe`)).toBe('/\\u202Egnp.exe')
    expect(revealBidiControls('\u061C\u200F')).toBe('\\u061C\\u200F')
  })
})

describe('initials', () => {
  it('never picks an invisible bidi control', () => {
    expect(stripBidiControls(`${RLO}evil`)).toBe('evil')
    expect(initials(`${RLO}evil`)).toBe('E')
  })
})
