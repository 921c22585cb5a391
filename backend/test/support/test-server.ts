import { randomBytes } from 'node:crypto'
import { createApp } from '../../src/app.js'
import type { AppRecord } from '../../src/apps/app-store.js'
import { readConfig } from '../../src/config.js'
import { createLogger, type LogLevel } from '../../src/logger.js'
import type { Drivers } from '../../src/drivers/drivers.js'
import { createEmbeddedDrivers } from '../../src/drivers/drivers.embedded.js'
import { createProductionDrivers } from '../../src/drivers/drivers.production.js'
import { TEST_AUTH_ENV } from './auth-env.js'
import { freshMysqlDatabase, TEST_REDIS_URL } from './services.js'
import { mintUserToken } from './tokens.js'

export type Mode = 'embedded' | 'production'

export const ALLOWED_ORIGIN = 'https://site.example'
/** Small enough that tests reach each limit with a few dozen frames. */
export const TEST_LIMITS = {
  maxReplay: 40,
  maxMessageLength: 500,
  maxFrameBytes: 4096,
  sendsPerSecond: 200,
  sendBurst: 200,
  presenceGraceMs: 1_000,
}

export interface TestServer {
  url: string
  drivers: Drivers
  app: AppRecord
  other: AppRecord
  token(sub: string, name?: string): Promise<string>
  stop(): Promise<void>
}

/**
 * A real backend on a real socket, in this process, with two apps: `app` (the one tests use)
 * and `other` (for isolation checks). Production mode gets its own database and key prefix.
 */
export async function startTestServer(
  mode: Mode,
  options: { env?: Record<string, string>; drivers?: Drivers } = {},
): Promise<TestServer> {
  let cleanup = async () => {}
  let drivers = options.drivers
  if (!drivers && mode === 'embedded') drivers = createEmbeddedDrivers()
  if (!drivers) {
    const database = await freshMysqlDatabase()
    drivers = await createProductionDrivers({
      mysqlUrl: database.url,
      redisUrl: TEST_REDIS_URL,
      prefix: `rf-test-${randomBytes(4).toString('hex')}:`,
    })
    cleanup = database.drop
  }
  const config = readConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    NODE_TTL_MS: '3000',
    ...TEST_AUTH_ENV,
    ...options.env,
  })
  const log = createLogger((process.env.TEST_LOG_LEVEL ?? 'silent') as LogLevel)
  const roomful = createApp({ drivers, config, log })
  const suffix = randomBytes(3).toString('hex')
  const app = await roomful.apps.ensure({
    id: `app${suffix}`,
    name: 'Test app',
    allowedOrigins: [ALLOWED_ORIGIN],
    limits: TEST_LIMITS,
  })
  const other = await roomful.apps.ensure({
    id: `other${suffix}`,
    name: 'Other app',
    allowedOrigins: [ALLOWED_ORIGIN],
  })
  const port = await roomful.listen(0, '127.0.0.1')
  return {
    url: `http://127.0.0.1:${port}`,
    drivers,
    app,
    other,
    token: (sub, name) => mintUserToken(app.id, app.secret, { sub, name }),
    async stop() {
      await roomful.shutdown(2_000)
      await cleanup()
    },
  }
}
