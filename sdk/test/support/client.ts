import WebSocket from 'ws'
import { createClient, type Client, type ClientOptions, type Message, type Room } from '../../src/index.js'
import type { FakeServer } from './fake-server.js'

/** A client wired to the fake server, with fast backoff and no keep-alive pings. */
export function connectTo(server: FakeServer, options: Partial<ClientOptions> = {}): Client {
  return createClient({
    url: server.url,
    appId: 'test',
    token: 'alice',
    WebSocket,
    backoff: { min: 5, max: 20 },
    gapWait: 0,
    pingInterval: 0,
    ...options,
  })
}

/** Everything a room emits as `message`, in order. */
export function record(room: Room): Message[] {
  const seen: Message[] = []
  room.on('message', (m) => seen.push(m))
  return seen
}

export const seqs = (messages: Message[]) => messages.map((m) => m.seq)

export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

/** Resolves when the client reaches `state`. */
export function reach(client: Client, state: Client['state']): Promise<void> {
  if (client.state === state) return Promise.resolve()
  return new Promise((resolve) => {
    const off = client.on('state', ({ current }) => {
      if (current !== state) return
      off()
      resolve()
    })
  })
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
