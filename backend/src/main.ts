import { fileURLToPath } from 'node:url'
import { createApp } from './app.js'
import { ConfigError, readConfig, type Config } from './config.js'
import { createLogger, type Logger } from './logger.js'
import type { Drivers } from './drivers/drivers.js'

const DEMO_APP_ID = 'demo'
/** Published in the docs so the examples work out of the box; only ever used in memory. */
const EMBEDDED_DEMO_SECRET = 'roomful-demo-secret-change-me'

async function createDrivers(config: Config, log: Logger): Promise<Drivers> {
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
    })
  }
  const { createEmbeddedDrivers } = await import('./drivers/drivers.embedded.js')
  log.warn(
    'EMBEDDED MODE: all data (apps, accounts, rooms, messages) is kept in memory and lost when this process exits. ' +
      'Set MYSQL_URL and REDIS_URL for production mode.',
  )
  return createEmbeddedDrivers()
}

async function main(): Promise<void> {
  let config: Config
  try {
    config = readConfig(process.env)
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message)
      process.exit(78) // EX_CONFIG: retrying without a change will not help
    }
    throw err
  }
  const log = createLogger(config.logLevel, { node: config.nodeId })
  const withDemo = process.argv.includes('--demo')
  const drivers = await createDrivers(config, log)
  const app = createApp({ drivers, config, log })

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

  const port = await app.listen(config.port, config.host)
  const backendUrl = `http://localhost:${port}`
  log.info({ port, mode: drivers.mode }, `Roomful backend listening on ${backendUrl}`)
  console.log(`Roomful backend: ${backendUrl} (${drivers.mode} mode)`)

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
    })
    stopHostPage = page.close
    console.log(`Demo host page (a third-party site on another origin): ${page.url}`)
  }

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'draining: closing sockets with 1001 and finishing writes')
    await stopHostPage?.()
    await app.shutdown(config.shutdownGraceMs)
    log.info('drained; exiting')
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
}

main().catch((err) => {
  console.error('unable to start Roomful:', err)
  process.exit(1)
})
