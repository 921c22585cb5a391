import type { Connection } from './connection.js'
import type { Unsubscribe } from './emitter.js'

/** Called each time the server confirms the subscription: from then on no event is missed. */
export type OnLive = () => void

/**
 * A server feed with subscribe/unsubscribe ops: subscribed while anyone listens, resubscribed
 * after every reconnect. `sticky` feeds replay their latest value to new listeners.
 */
export function createFeed<T>(conn: Connection, name: 'ranking' | 'rooms', sticky: boolean) {
  const listeners = new Map<(value: T) => void, OnLive | undefined>()
  let latest: T | undefined
  // The server has confirmed the subscription on the current socket.
  let live = false
  const push = (value: T) => {
    if (sticky) latest = value
    for (const fn of [...listeners.keys()]) fn(value)
  }
  const start = () =>
    conn.request(`${name}.subscribe`, {}).then(
      (r) => {
        if ('board' in r) push(r.board as T)
        live = true
        for (const onLive of [...listeners.values()]) onLive?.()
      },
      () => {},
    )
  conn.on('state', ({ current }) => {
    if (current === 'connected' && listeners.size) void start()
    else if (current !== 'connected') {
      latest = undefined
      live = false
    }
  })
  return {
    push,
    subscribe(fn: (value: T) => void, onLive?: OnLive): Unsubscribe {
      listeners.set(fn, onLive)
      if (listeners.size > 1) {
        if (latest !== undefined) fn(latest)
        if (live) onLive?.()
      } else if (conn.state === 'connected') void start()
      else conn.connect()
      return () => {
        if (!listeners.delete(fn) || listeners.size) return
        live = false
        if (conn.state === 'connected') conn.request(`${name}.unsubscribe`, {}).catch(() => {})
      }
    },
  }
}
