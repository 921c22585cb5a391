import { describe, expect, it } from 'vitest'
import { bodySchemas, clientFrameSchemas, type Schema } from '@roomful/sdk/protocol'
import { adminSchemas } from '../../src/http/admin-schemas.js'
import { webhookSchemas } from '../../src/webhooks/webhook-schemas.js'
import { PROTOTYPE_KEYS, withKey } from '../support/prototype-keys.js'

// Every frame and body schema, taken from the modules that export them, so a schema added to
// any of them is checked here without touching this file.
const families: Record<string, Record<string, Schema<unknown>>> = {
  clientFrameSchemas,
  bodySchemas,
  adminSchemas,
  webhookSchemas,
}
const cases = Object.entries(families).flatMap(([family, schemas]) =>
  Object.entries(schemas).map(([name, schema]) => [`${family}.${name}`, schema] as const),
)

describe('object schemas know only their own fields', () => {
  it('covers every exported schema family', () => {
    expect(cases.length).toBeGreaterThanOrEqual(
      Object.keys(clientFrameSchemas).length + Object.keys(bodySchemas).length + 2,
    )
  })

  it.each(cases)('%s refuses every prototype-named key as an unknown field', (_name, schema) => {
    for (const key of PROTOTYPE_KEYS) {
      const result = schema.parse(JSON.parse(withKey({}, key)))
      expect(result, key).toEqual({ ok: false, issue: `${key} is not a known field` })
    }
  })

  it('does not read an absent field from Object.prototype', () => {
    // `text` absent: the value must be undefined, not something inherited.
    const result = clientFrameSchemas.send.parse({ op: 'send', id: 'a', room: 'r', clientId: 'c' })
    expect(result).toEqual({ ok: false, issue: 'text must be a string of 0..1000000 characters' })
  })

  it('still accepts a valid frame and a valid body', () => {
    expect(clientFrameSchemas.ping.parse({ op: 'ping', id: 'p1' })).toEqual({
      ok: true,
      value: { op: 'ping', id: 'p1' },
    })
    expect(bodySchemas.createRoom.parse({ name: ' Lobby ' })).toEqual({ ok: true, value: { name: 'Lobby' } })
  })

  it('echoes at most about 100 characters of an unknown field name', () => {
    const name = 'y'.repeat(5000)
    const result = clientFrameSchemas.ping.parse({ op: 'ping', id: 'p', [name]: 1 })
    expect(result.ok).toBe(false)
    const issue = result.ok ? '' : result.issue
    expect(issue).toBe(`${'y'.repeat(100)}… is not a known field`)
  })
})
