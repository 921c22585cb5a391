import { RoomfulError } from '../errors.js'
import type { Drivers } from '../drivers/drivers.js'
import type { Metrics } from './metrics.js'

/**
 * The drivers as the services see them, with metrics recorded at the store boundary: failed
 * calls per store, the size and duration of every message commit, and the duration of every bus
 * publish. Done here, once, so neither the services nor the drivers carry metric code, and
 * both modes are measured the same way.
 */
export function instrumentDrivers(drivers: Drivers, metrics: Metrics): Drivers {
  const counted = <T extends object>(name: string, store: T): T =>
    countingFailures(store, () => metrics.storeErrors.inc({ store: name }))
  const messages = counted('messages', drivers.messages)
  const append = messages.append
  messages.append = (batch) => {
    metrics.commitBatchMessages.observe(batch.length)
    const done = metrics.commitSeconds.startTimer()
    return append(batch).finally(done)
  }
  const bus = counted('bus', drivers.bus)
  const publish = bus.publish
  bus.publish = (channel, payload) => {
    const done = metrics.busPublishSeconds.startTimer()
    return publish(channel, payload).then((receivers) => {
      done()
      return receivers
    })
  }
  return {
    ...drivers,
    apps: counted('apps', drivers.apps),
    accounts: counted('accounts', drivers.accounts),
    rooms: counted('rooms', drivers.rooms),
    messages,
    presence: counted('presence', drivers.presence),
    attachments: counted('attachments', drivers.attachments),
    webhookEndpoints: counted('webhooks', drivers.webhookEndpoints),
    webhookDeliveries: counted('webhooks', drivers.webhookDeliveries),
    sanctions: counted('moderation', drivers.sanctions),
    moderators: counted('moderation', drivers.moderators),
    audit: counted('audit', drivers.audit),
    bus,
  }
}

/**
 * An object that answers like `target` (its fields and getters are read through the prototype
 * chain) whose methods call `onFailure` when they throw or reject with anything but a
 * RoomfulError: those are answers (not found, taken), not failures of the store.
 */
function countingFailures<T extends object>(target: T, onFailure: () => void): T {
  const wrapped = Object.create(target) as T
  const failed = (err: unknown) => {
    if (!(err instanceof RoomfulError)) onFailure()
    throw err
  }
  const methods = target as Record<string, (...args: unknown[]) => unknown>
  for (const name of methodNames(target)) {
    Object.defineProperty(wrapped, name, {
      writable: true,
      value: (...args: unknown[]) => {
        let result: unknown
        try {
          result = methods[name]!.apply(target, args)
        } catch (err) {
          failed(err)
        }
        return result instanceof Promise ? result.catch(failed) : result
      },
    })
  }
  return wrapped
}

function methodNames(target: object): Set<string> {
  const names = new Set<string>()
  for (let proto = target; proto !== Object.prototype && proto !== null; proto = Object.getPrototypeOf(proto))
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name === 'constructor') continue
      const descriptor = Object.getOwnPropertyDescriptor(proto, name)
      if (typeof descriptor?.value === 'function') names.add(name)
    }
  return names
}
