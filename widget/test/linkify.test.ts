import { describe, expect, it } from 'vitest'
import { linkify, safeHref } from '../src/core/linkify.js'

describe('linkify', () => {
  it('links http(s) URLs and keeps the rest as text', () => {
    expect(linkify('see https://example.com/a?b=1 now')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: ' now' },
    ])
  })

  it('leaves sentence punctuation and an unbalanced parenthesis outside the link', () => {
    expect(linkify('(go to http://a.example/x).')).toEqual([
      { kind: 'text', text: '(go to ' },
      { kind: 'link', text: 'http://a.example/x', href: 'http://a.example/x' },
      { kind: 'text', text: ').' },
    ])
    expect(linkify('https://en.wikipedia.org/wiki/Lit_(software)')[0]).toMatchObject({
      kind: 'link',
      text: 'https://en.wikipedia.org/wiki/Lit_(software)',
    })
  })

  it('never links other schemes', () => {
    for (const text of [
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:x',
      'JAVASCRIPT://x%0aalert(1)',
    ])
      expect(linkify(text)).toEqual([{ kind: 'text', text }])
  })

  it('keeps markup as plain text', () => {
    const text = '<img src=x onerror=alert(1)> <a href="javascript:alert(1)">x</a>'
    expect(linkify(text)).toEqual([{ kind: 'text', text }])
  })

  it('does not link a scheme glued to a word', () => {
    expect(linkify('xhttps://evil.example')).toEqual([{ kind: 'text', text: 'xhttps://evil.example' }])
  })

  it('returns nothing for empty text', () => {
    expect(linkify('')).toEqual([])
  })
})

describe('safeHref', () => {
  it('accepts only http and https', () => {
    expect(safeHref('https://x.example/')).toBe('https://x.example/')
    expect(safeHref('javascript:alert(1)')).toBeNull()
    expect(safeHref('not a url')).toBeNull()
  })
})
