import { randomBytes } from 'node:crypto'
import { expect, it } from 'vitest'
import type { NewApp } from '../../src/apps/app-store.js'
import { contract } from './harness.js'

const newApp = (over: Partial<NewApp> = {}): NewApp => ({
  id: `app_${randomBytes(4).toString('hex')}`,
  name: 'Site',
  secret: 's3cret',
  sessionKey: 'k3y',
  allowedOrigins: ['https://a.example', 'http://localhost:8081'],
  limits: { maxMessageLength: 500 },
  allowGuests: true,
  disabled: false,
  ...over,
})

contract('AppStore', (h) => {
  it('stores an app and reads back every field', async () => {
    const app = newApp()
    const created = await h().node.apps.ensure(app)
    expect(created).toMatchObject(app)
    expect(created.createdAt).toBeInstanceOf(Date)
    expect(await h().node.apps.get(app.id)).toEqual(created)
  })

  it('ensure keeps an existing app unchanged', async () => {
    const app = newApp()
    const first = await h().node.apps.ensure(app)
    const again = await h().node.apps.ensure({ ...app, name: 'Renamed', secret: 'other', disabled: true })
    expect(again).toEqual(first)
  })

  it('lists apps and returns null for an unknown id', async () => {
    const a = await h().node.apps.ensure(newApp())
    const listed = await h().node.apps.list()
    expect(listed.map((x) => x.id)).toContain(a.id)
    expect(await h().node.apps.get('no_such_app')).toBeNull()
  })
})

contract('AppStore updates', (h) => {
  it('update changes only the fields given and reads back keys, rotation and jwks', async () => {
    const app = await h().node.apps.ensure(newApp())
    expect(app).toMatchObject({ publicKeys: [], jwksUrl: null, previousSecret: null })
    const until = new Date(Date.now() + 3_600_000)
    const key = {
      kid: 'k1',
      alg: 'ES256' as const,
      publicKey: '{"kty":"EC"}',
      createdAt: '2026-01-01T00:00:00Z',
    }
    const updated = await h().node.apps.update(app.id, {
      name: 'Renamed',
      secret: 'new',
      previousSecret: app.secret,
      previousSecretExpiresAt: until,
      publicKeys: [key],
      jwksUrl: 'https://keys.example/jwks.json',
      allowGuests: false,
      limits: { maxMessageLength: 9 },
    })
    expect(updated).toMatchObject({
      name: 'Renamed',
      secret: 'new',
      previousSecret: 's3cret',
      publicKeys: [key],
      jwksUrl: 'https://keys.example/jwks.json',
      allowGuests: false,
      limits: { maxMessageLength: 9 },
      allowedOrigins: app.allowedOrigins,
    })
    expect(updated!.previousSecretExpiresAt!.getTime()).toBe(until.getTime())
    expect(await h().node.apps.get(app.id)).toEqual(updated)
  })

  it('update of an unknown app returns null; delete removes the app once', async () => {
    expect(await h().node.apps.update('no_such_app', { name: 'x' })).toBeNull()
    const app = await h().node.apps.ensure(newApp())
    expect(await h().node.apps.delete(app.id)).toBe(true)
    expect(await h().node.apps.get(app.id)).toBeNull()
    expect(await h().node.apps.delete(app.id)).toBe(false)
  })
})
