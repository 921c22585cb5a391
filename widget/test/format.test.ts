import { describe, expect, it } from 'vitest'
import { colorSlot, formatDay, initials } from '../src/core/format.js'
import { resolveLocale, translate } from '../src/core/i18n.js'

describe('formatDay', () => {
  const now = new Date(2026, 10, 25, 9, 30)
  it('says today and yesterday in words, other days as dates', () => {
    expect(formatDay('en', new Date(2026, 10, 25, 1).toISOString(), now)).toBe('Today')
    expect(formatDay('en', new Date(2026, 10, 24, 23).toISOString(), now)).toBe('Yesterday')
    expect(formatDay('ko', new Date(2026, 10, 24, 23).toISOString(), now)).toBe('어제')
    expect(formatDay('en', new Date(2026, 10, 20, 12).toISOString(), now)).toBe('Fri, November 20')
    expect(formatDay('en', new Date(2025, 0, 2, 12).toISOString(), now)).toContain('2025')
  })
})

describe('avatars', () => {
  it('uses up to two initials and a stable colour', () => {
    expect(initials('mina park')).toBe('MP')
    expect(initials('  ')).toBe('?')
    expect(initials('김민아')).toBe('김')
    expect(colorSlot('u_1')).toBe(colorSlot('u_1'))
    expect(colorSlot('u_1')).toBeGreaterThanOrEqual(0)
  })
})

describe('i18n', () => {
  it('picks the attribute, then a supported browser language, then English', () => {
    expect(resolveLocale('ko-KR')).toBe('ko')
    expect(resolveLocale('fr')).toBe(resolveLocale(undefined))
    expect(translate('ko', 'room.here', { n: 3 })).toBe('3명 참여 중')
    expect(translate('en', 'ranking.count', { n: 1 })).toBe('1 person')
    expect(translate('en', 'ranking.count', { n: 2 })).toBe('2 people')
  })
})
