import { describe, expect, it } from 'vitest'
import { RoomfulError } from '../errors.js'
import { createLogger } from '../logger.js'
import { createEmbeddedDrivers } from '../drivers/drivers.embedded.js'
import { instrumentDrivers } from './instrument-drivers.js'
import { Metrics } from './metrics.js'

const value = async (metrics: Metrics, name: string, labels: Record<string, string> = {}) => {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name)
  const match = metric?.values.find((v) =>
    Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want),
  )
  return match?.value ?? 0
}

describe('instrumentDrivers', () => {
  const setup = () => {
    const raw = createEmbeddedDrivers({ logger: createLogger('silent') })
    const metrics = new Metrics()
    return { raw, metrics, drivers: instrumentDrivers(raw, metrics) }
  }

  it('counts a store failure by store, but not a domain answer (a RoomfulError) or a success', async () => {
    const { raw, metrics, drivers } = setup()
    await drivers.rooms.get('app', 'nope') // null: an answer
    raw.rooms.get = () => Promise.reject(new RoomfulError('room_not_found'))
    await expect(drivers.rooms.get('app', 'nope')).rejects.toThrow(RoomfulError)
    expect(await value(metrics, 'roomful_store_errors_total', { store: 'rooms' })).toBe(0)

    raw.rooms.get = () => Promise.reject(new Error('connection lost'))
    await expect(drivers.rooms.get('app', 'nope')).rejects.toThrow('connection lost')
    raw.rooms.getMany = () => {
      throw new Error('thrown, not rejected')
    }
    expect(() => drivers.rooms.getMany('app', [])).toThrow('thrown, not rejected')
    expect(await value(metrics, 'roomful_store_errors_total', { store: 'rooms' })).toBe(2)
    expect(await value(metrics, 'roomful_store_errors_total', { store: 'messages' })).toBe(0)
  })

  it('records each message commit: its size and duration, failed commits included', async () => {
    const { raw, metrics, drivers } = setup()
    const append = raw.messages.append.bind(raw.messages)
    raw.messages.append = (batch) => (batch.length === 3 ? Promise.reject(new Error('down')) : append(batch))
    await drivers.messages.append([]).catch(() => undefined)
    await expect(drivers.messages.append([{}, {}, {}] as never)).rejects.toThrow('down')
    expect(await value(metrics, 'roomful_commit_batch_messages', { le: '5' })).toBe(2)
    expect(await value(metrics, 'roomful_commit_batch_messages', { le: '2' })).toBe(1)
    expect(await value(metrics, 'roomful_commit_seconds', { le: '+Inf' })).toBe(2)
    expect(await value(metrics, 'roomful_store_errors_total', { store: 'messages' })).toBe(1)
  })
})
