import { createServer, Socket } from 'node:net'

/**
 * A TCP proxy between an SDK client and the backend that can cut the client off in the two ways
 * a real network does:
 *
 * - `drop()`: every proxied connection is destroyed at once (no WebSocket close frame, like a
 *   server or load balancer that dropped them) and new ones are refused until `restore()`;
 * - `pause()`: bytes stop flowing in both directions and new connections hang, but nothing is
 *   closed, so only the client's own keep-alive can notice; `restore()` lets the held bytes
 *   through in order, like a network that comes back before TCP gives up;
 * - `blackhole()`: like `pause()`, but the bytes are lost for good, and so are the connections
 *   open or attempted meanwhile: after `restore()` they stay silent (nothing closes them, as
 *   when the path they took is gone) and only new connections work;
 * - `loseRepliesAfter(marker)`: the next chunk a client sends that contains `marker` (a
 *   database's COMMIT, say) goes through, and from then on everything that connection's server
 *   answers is lost; other connections are untouched.
 */
export interface CuttableProxy {
  /** `http://127.0.0.1:<port>`: give it to `createClient` as the backend URL. */
  readonly url: string
  drop(): void
  pause(): void
  blackhole(): void
  restore(): void
  loseRepliesAfter(marker: string): void
  close(): Promise<void>
}

interface Link {
  client: Socket
  upstream?: Socket
  /** Blackholed: nothing it carries arrives anywhere, ever. */
  dead?: boolean
  /** Its server's answers are lost (see `loseRepliesAfter`). */
  muted?: boolean
  /** Bytes held while paused, in arrival order, with the side they are going to. */
  held: Array<[to: 'client' | 'upstream', chunk: Buffer]>
}

export async function cuttableProxy(target: string): Promise<CuttableProxy> {
  const { hostname, port } = new URL(target)
  const links = new Set<Link>()
  let mode: 'up' | 'down' | 'paused' | 'blackhole' = 'up'
  let muteAfter: Buffer | null = null

  const end = (link: Link) => {
    links.delete(link)
    link.client.destroy()
    link.upstream?.destroy()
  }

  const forward = (link: Link, to: 'client' | 'upstream', chunk: Buffer) => {
    if (link.dead || (to === 'client' && link.muted)) return
    if (to === 'upstream' && muteAfter && chunk.includes(muteAfter)) {
      muteAfter = null
      link.muted = true
    }
    if (mode === 'paused' || link.held.length) return void link.held.push([to, chunk])
    const socket = to === 'client' ? link.client : link.upstream
    if (socket) socket.write(chunk)
    else link.held.push([to, chunk]) // upstream still connecting
  }

  const flush = (link: Link) => {
    if (!link.upstream || link.upstream.connecting) return
    for (const [to, chunk] of link.held.splice(0))
      (to === 'client' ? link.client : link.upstream).write(chunk)
  }

  /** Connect to the backend; on a paused network this waits for `restore()`. */
  const dial = (link: Link) => {
    const upstream = new Socket()
    link.upstream = upstream
    upstream.on('data', (chunk: Buffer) => forward(link, 'client', chunk))
    upstream.on('error', () => end(link))
    upstream.on('close', () => end(link))
    upstream.connect(Number(port), hostname, () => flush(link))
  }

  const server = createServer((client) => {
    if (mode === 'down') return void client.destroy()
    const link: Link = { client, held: [], dead: mode === 'blackhole' }
    links.add(link)
    client.on('data', (chunk: Buffer) => forward(link, 'upstream', chunk))
    client.on('error', () => end(link))
    client.on('close', () => end(link))
    if (mode === 'up') dial(link)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port: own } = server.address() as { port: number }

  return {
    url: `http://127.0.0.1:${own}`,
    drop() {
      mode = 'down'
      for (const link of [...links]) end(link)
    },
    pause() {
      mode = 'paused'
    },
    blackhole() {
      mode = 'blackhole'
      for (const link of links) link.dead = true
    },
    loseRepliesAfter(marker) {
      muteAfter = Buffer.from(marker)
    },
    restore() {
      mode = 'up'
      for (const link of [...links]) {
        if (link.dead) continue
        if (link.upstream) flush(link)
        else dial(link)
      }
    },
    async close() {
      for (const link of [...links]) end(link)
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
