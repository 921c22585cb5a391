import { createServer, Socket } from 'node:net'

/**
 * A small TCP load balancer for cluster tests: each new connection goes to the next node in
 * turn; a node that refuses (stopped, draining) is skipped for the next one, as a balancer's
 * health check would. No stickiness, as operators run it.
 */
export interface Balancer {
  /** `http://127.0.0.1:<port>`: give it to clients as the backend URL. */
  readonly url: string
  close(): Promise<void>
}

export async function roundRobinBalancer(ports: number[]): Promise<Balancer> {
  let next = 0
  const open = new Set<Socket>()

  const dial = (client: Socket, attemptsLeft: number) => {
    const port = ports[next++ % ports.length]!
    const upstream = new Socket()
    let connected = false
    upstream.once('error', () => {
      if (!connected && attemptsLeft > 1 && !client.destroyed) return dial(client, attemptsLeft - 1)
      client.destroy()
    })
    upstream.connect(port, '127.0.0.1', () => {
      connected = true
      open.add(upstream)
      upstream.once('close', () => {
        open.delete(upstream)
        client.destroy()
      })
      client.once('close', () => upstream.destroy())
      client.pipe(upstream)
      upstream.pipe(client)
      client.resume()
    })
  }

  const server = createServer((client) => {
    open.add(client)
    client.once('close', () => open.delete(client))
    client.on('error', () => client.destroy())
    client.pause()
    dial(client, ports.length)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      for (const socket of open) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
