import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

interface Declaration {
  tagName?: string
  customElement?: boolean
  attributes?: { name: string }[]
  events?: { name: string }[]
  cssParts?: { name: string }[]
  cssProperties?: { name: string }[]
  slots?: { name: string }[]
}

// `npm run build` writes the manifest from the elements' JSDoc; editors and docs tools read it.
const manifest = JSON.parse(readFileSync(new URL('../custom-elements.json', import.meta.url), 'utf8')) as {
  modules: { declarations?: Declaration[] }[]
}
const elements = new Map(
  manifest.modules
    .flatMap((m) => m.declarations ?? [])
    .flatMap((d) => (d.tagName ? [[d.tagName, d] as const] : [])),
)

describe('the custom elements manifest', () => {
  it('describes every public element with its attributes, events, parts and theme variables', () => {
    expect([...elements.keys()].sort()).toEqual(
      expect.arrayContaining([
        'roomful-chat',
        'roomful-login',
        'roomful-ranking',
        'roomful-room',
        'roomful-room-list',
      ]),
    )
    for (const [tag, element] of elements) {
      if (!tag.startsWith('roomful-') || tag === 'roomful-attach-button') continue
      const attributes = element.attributes?.map((a) => a.name) ?? []
      expect(attributes, tag).toEqual(expect.arrayContaining(['url', 'app-id', 'token', 'locale', 'theme']))
      expect(
        element.events?.every((e) => e.name.startsWith('roomful-')),
        tag,
      ).toBe(true)
      expect(element.cssParts?.length, tag).toBeGreaterThan(0)
      expect(element.cssProperties?.length, tag).toBeGreaterThan(0)
    }
  })

  it('lists the slots a host page can fill', () => {
    const slots = (tag: string) => elements.get(tag)?.slots?.map((s) => s.name)
    expect(slots('roomful-room')).toEqual(expect.arrayContaining(['header-actions', 'empty']))
    expect(slots('roomful-room-list')).toEqual(['empty'])
    expect(slots('roomful-ranking')).toEqual(['empty'])
    expect(slots('roomful-chat')).toEqual(
      expect.arrayContaining(['room-header-actions', 'room-empty', 'rooms-empty', 'ranking-empty']),
    )
  })
})
