import type { Connection } from './connection.js'
import type { Unsubscribe } from './emitter.js'

/**
 * A server feed with subscribe/unsubscribe ops: subscribed while anyone listens, resubscribed
 * after every reconnect. `sticky` feeds replay their latest value to new listeners.
 */
export function createFeed<T>(conn: Connection, name: 'ranking' | 'rooms', sticky: boolean) {
  const listeners = new Set<(value: T) => void>()
  let latest: T | undefined
  const push = (value: T) => {
    if (sticky) latest = value
    for (const fn of [...listeners]) fn(value)
  }
  const start = () =>
    conn.request(`${name}.subscribe`, {}).then(
      (r) => 'board' in r && push(r.board as T),
      () => {},
    )
  conn.on('state', ({ current }) => {
    if (current === 'connected' && listeners.size) void start()
    else if (current !== 'connected') latest = undefined
  })
  return {
    push,
    subscribe(fn: (value: T) => void): Unsubscribe {
      listeners.add(fn)
      if (listeners.size > 1) {
        if (latest !== undefined) fn(latest)
      } else if (conn.state === 'connected') void start()
      else conn.connect()
      return () => {
        if (listeners.delete(fn) && !listeners.size && conn.state === 'connected')
          conn.request(`${name}.unsubscribe`, {}).catch(() => {})
      }
    },
  }
}
