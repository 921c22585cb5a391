import { randomBytes } from 'node:crypto'
import { Socket } from 'node:net'
import { Redis } from 'ioredis'
import { createConnection } from 'mysql2/promise'

export const TEST_MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306'
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

let probe: Promise<boolean> | undefined

/**
 * Whether MariaDB and Redis answer. Locally their absence skips production suites with a loud
 * warning; in CI (`CI` set) it throws, failing the run, because a green CI that never touched
 * the real engines would be a lie.
 */
export function servicesAvailable(): Promise<boolean> {
  probe ??= (async () => {
    const [mysql, redis] = await Promise.all([
      reachable(TEST_MYSQL_URL, 3306),
      reachable(TEST_REDIS_URL, 6379),
    ])
    if (mysql && redis) return true
    const missing = [mysql ? null : `MySQL at ${TEST_MYSQL_URL}`, redis ? null : `Redis at ${TEST_REDIS_URL}`]
      .filter(Boolean)
      .join(' and ')
    if (process.env.CI)
      throw new Error(`unable to run production tests; ${missing} not reachable (CI requires them)`)
    console.warn(
      `\n!!! ${missing} not reachable: PRODUCTION-MODE TESTS ARE SKIPPED. Start MariaDB and Redis ` +
        'or set TEST_MYSQL_URL / TEST_REDIS_URL to run them.\n',
    )
    return false
  })()
  return probe
}

/** A new, empty database on the test server, and a way to drop it. */
export async function freshMysqlDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `rf_test_${randomBytes(6).toString('hex')}`
  const admin = await createConnection({ uri: TEST_MYSQL_URL })
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`)
  } finally {
    await admin.end()
  }
  const url = new URL(TEST_MYSQL_URL)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    async drop() {
      const conn = await createConnection({ uri: TEST_MYSQL_URL })
      try {
        await conn.query(`DROP DATABASE IF EXISTS \`${name}\``)
      } finally {
        await conn.end()
      }
    },
  }
}

/** Deletes every Redis key under `prefix` (a test run's leftovers: activity, BullMQ keys). */
export async function dropRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL)
  try {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
      cursor = next
      if (keys.length > 0) await redis.del(...keys)
    } while (cursor !== '0')
  } finally {
    await redis.quit()
  }
}

/** A Redis key prefix no other test run uses. */
export const uniquePrefix = (label: string) => `rf-${label}-${randomBytes(4).toString('hex')}:`

function reachable(url: string, defaultPort: number): Promise<boolean> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const socket = new Socket()
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(1000, () => done(false))
    socket.once('error', () => done(false))
    socket.connect(Number(port || defaultPort), hostname, () => done(true))
  })
}
