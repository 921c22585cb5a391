import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Logger } from '../logger.js'
import type { Metrics } from './metrics.js'

export interface MetricsServer {
  port: number
  close(): Promise<void>
}

/**
 * The Prometheus scrape endpoint, `GET /metrics`, on a listener of its own: operators expose it
 * to their monitoring network only, and nothing on the public port ever serves it. Plain
 * node:http is enough for one scrape every few seconds and keeps it apart from the uWS server.
 */
export async function startMetricsServer(
  metrics: Metrics,
  options: { port: number; host: string; log: Logger },
): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    if (path !== '/metrics')
      return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n')
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return void res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end()
    metrics.registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body),
      (err: unknown) => {
        options.log.error({ err }, 'unable to collect metrics')
        res.writeHead(500, { 'content-type': 'text/plain' }).end('unable to collect metrics\n')
      },
    )
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
