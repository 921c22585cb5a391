import { fileURLToPath } from 'node:url'
import { createApp } from './app.js'
import { ConfigError, readConfig, type Config } from './config.js'
import type { Drivers } from './drivers/drivers.js'
import { createLogger, logProcessEvents, startupFailure, type Logger } from './logger.js'
import { startMetricsServer, type MetricsServer } from './metrics/metrics-server.js'
import { Metrics, type JobQueueRegistry } from './metrics/metrics.js'

const DEMO_APP_ID = 'demo'
/** Published in the docs so the examples work out of the box; only ever used in memory. */
const EMBEDDED_DEMO_SECRET = 'roomful-demo-secret-change-me'
/** EX_CONFIG (sysexits.h): retrying without a change will not help. */
const EXIT_CONFIG = 78

async function createDrivers(config: Config, log: Logger, queues?: JobQueueRegistry): Promise<Drivers> {
  if (config.mysqlUrl && config.redisUrl) {
    const { createProductionDrivers } = await import('./drivers/drivers.production.js')
    log.info(
      { prefix: config.redisPrefix },
      'production mode: MySQL for durable data, Redis for presence, ranking and fan-out',
    )
    return createProductionDrivers({
      mysqlUrl: config.mysqlUrl,
      redisUrl: config.redisUrl,
      prefix: config.redisPrefix,
      logger: log,
      queues,
    })
  }
  const { createEmbeddedDrivers } = await import('./drivers/drivers.embedded.js')
  log.warn(
    'EMBEDDED MODE: all data (apps, accounts, rooms, messages) is kept in memory and lost when this process exits. ' +
      'Set MYSQL_URL and REDIS_URL for production mode.',
  )
  return createEmbeddedDrivers({ logger: log })
}

/** Reads the configuration, or reports every problem in one JSON line and exits 78. */
function configOrExit(): Config {
  try {
    return readConfig(process.env)
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    createLogger('info').fatal({ problems: err.problems }, err.message)
    process.exit(EXIT_CONFIG)
  }
}

async function start(config: Config, log: Logger): Promise<void> {
  const withDemo = process.argv.includes('--demo')
  const mode = config.mysqlUrl ? 'production' : 'embedded'
  // Built only when it will be served: without METRICS_PORT there is no listener at all.
  const metrics = config.metricsPort === null ? undefined : new Metrics({ mode, processMetrics: true })
  const drivers = await createDrivers(config, log, metrics)
  const app = createApp({ drivers, config, log, metrics })

  const demoOrigins = [`http://localhost:${config.demoPort}`, `http://127.0.0.1:${config.demoPort}`]
  const demoApp =
    drivers.mode === 'embedded' || withDemo
      ? await app.apps.ensure({
          id: DEMO_APP_ID,
          name: 'Roomful demo',
          allowedOrigins: demoOrigins,
          secret: config.demoAppSecret ?? (drivers.mode === 'embedded' ? EMBEDDED_DEMO_SECRET : undefined),
        })
      : null

  // Before the public port, so a busy metrics port fails the start before this node joins.
  let metricsServer: MetricsServer | null = null
  if (metrics && config.metricsPort !== null) {
    metricsServer = await startMetricsServer(metrics, {
      port: config.metricsPort,
      host: config.metricsHost,
      log,
    })
    log.info(
      { metricsPort: metricsServer.port },
      `Prometheus metrics on http://${config.metricsHost}:${metricsServer.port}/metrics`,
    )
  }
  const port = await app.listen(config.port, config.host)
  const backendUrl = `http://localhost:${port}`
  log.info({ port, mode: drivers.mode }, `Roomful backend listening on ${backendUrl}`)

  let stopHostPage: (() => Promise<void>) | null = null
  if (withDemo) {
    const hostPage = fileURLToPath(new URL('../../examples/host-page/server.js', import.meta.url))
    const widgetBundlePath = fileURLToPath(
      new URL('../../widget/dist/roomful-widget.min.js', import.meta.url),
    )
    const { startHostPage } = (await import(hostPage)) as {
      startHostPage(opts: object): Promise<{ url: string; close(): Promise<void> }>
    }
    const page = await startHostPage({
      port: config.demoPort,
      backendUrl,
      appId: DEMO_APP_ID,
      appSecret: demoApp!.secret,
      widgetBundlePath,
      onError: (err: unknown) => log.error({ err }, 'the demo host page failed a request'),
    })
    stopHostPage = page.close
    log.info({ demoUrl: page.url }, `Demo host page (a third-party site on another origin): ${page.url}`)
  }

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'draining: closing sockets with 1001 and finishing writes')
    await stopHostPage?.()
    await app.shutdown(config.shutdownGraceMs)
    await metricsServer?.close()
    log.info('drained; exiting')
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
}

async function main(): Promise<void> {
  const config = configOrExit()
  const log = createLogger(config.logLevel, { node: config.nodeId })
  logProcessEvents(log)
  try {
    await start(config, log)
  } catch (err) {
    const { reason, detail } = startupFailure(err)
    log.fatal(detail, `unable to start Roomful; ${reason}`)
    process.exit(1)
  }
}

void main()
