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
