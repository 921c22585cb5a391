import { createClient, type Client } from '@roomful/sdk'

export type {
  Room as ChatRoom,
  ConnectionState,
  StateChange,
  LobbyEvent,
  PresenceChange,
  Unsubscribe,
} from '@roomful/sdk'
/** The SDK client the elements use. */
export type ChatClient = Client

export interface ClientConfig {
  url: string
  appId: string
  token?: string | undefined
  getToken?: (() => Promise<string> | string) | undefined
}

// Elements that are given the same url, app and credentials share one client (one socket), so
// `<roomful-ranking>` and `<roomful-room-list>` placed side by side cost one connection.
const shared = new Map<string, { client: ChatClient; refs: number; timer?: ReturnType<typeof setTimeout> }>()
const callbackIds = new WeakMap<object, number>()
let nextCallbackId = 1

/** Elements whose configs have the same key share a client. */
export function clientKey(config: ClientConfig): string {
  let fn = 0
  if (config.getToken) {
    fn = callbackIds.get(config.getToken) ?? nextCallbackId++
    callbackIds.set(config.getToken, fn)
  }
  return JSON.stringify([config.url, config.appId, config.token ?? '', fn])
}

/** Returns the shared client for `config`, creating it on first use. Pair with `releaseClient`. */
export function acquireClient(config: ClientConfig): { key: string; client: ChatClient } {
  const key = clientKey(config)
  let entry = shared.get(key)
  if (!entry) {
    const client: ChatClient = createClient({
      url: config.url,
      appId: config.appId,
      ...(config.token && { token: config.token }),
      ...(config.getToken && { getToken: config.getToken }),
    })
    entry = { client, refs: 0 }
    shared.set(key, entry)
  }
  clearTimeout(entry.timer)
  entry.refs++
  return { key, client: entry.client }
}

/**
 * Drops one reference; the last one closes the client after a grace period, so an element
 * moved in the DOM (disconnected, then connected again) keeps its socket.
 */
export function releaseClient(key: string): void {
  const entry = shared.get(key)
  if (!entry) return
  entry.refs--
  if (entry.refs > 0) return
  entry.timer = setTimeout(() => {
    if (entry.refs > 0) return
    shared.delete(key)
    entry.client.close()
  }, 1000)
}
