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

  it('shows bidi controls in link text, so the label cannot read as another file than the href', () => {
    const [link] = linkify('https://a.test/\u202Egnp.exe')
    expect(link).toEqual({
      kind: 'link',
      text: 'https://a.test/\\u202Egnp.exe',
      href: 'https://a.test/%E2%80%AEgnp.exe',
    })
    // As laid out, the label keeps its stored order: it reads "gnp.exe", never "exe.png".
    expect(link?.text).not.toMatch(/[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/)
    expect(link?.text).not.toContain('exe.png')
    expect(new URL(link?.kind === 'link' ? link.href : '').pathname).toBe('/%E2%80%AEgnp.exe')
  })

  it('escapes every kind of bidi control in link text and leaves the text around it alone', () => {
    const controls = '\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061C'
    const parts = linkify(`\u202Esee https://a.test/x${controls}y now`)
    expect(parts[0]).toEqual({ kind: 'text', text: '\u202Esee ' })
    expect(parts[1]?.text).toBe(
      'https://a.test/x\\u202A\\u202B\\u202C\\u202D\\u202E\\u2066\\u2067\\u2068\\u2069\\u200E\\u200F\\u061Cy',
    )
    expect(parts[2]).toEqual({ kind: 'text', text: ' now' })
  })

  it('keeps right-to-left letters in link text as they are', () => {
    expect(linkify('https://a.test/שלום')[0]).toMatchObject({ text: 'https://a.test/שלום' })
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
