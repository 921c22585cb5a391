// The servers under test, each started as its own process so /proc can account its CPU and
// memory: the raw uWebSockets.js floor, Roomful embedded, and Roomful production on MariaDB +
// Redis. Production gets a fresh database and key prefix, removed again on stop; the shared
// services themselves are never flushed or reconfigured.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import mysql from 'mysql2/promise'
import { signToken } from './tokens.mjs'

export const MYSQL_URL = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306'
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379'
const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** Limits of the bench app: lifted so that the server's own costs, not its rate limits, show. */
export const BENCH_LIMITS = {
  sendsPerSecond: 1_000_000,
  sendBurst: 1_000_000,
  framesPerSecond: 1_000_000,
  maxConnectionsPerUser: 100_000,
  floodStrikes: 1_000_000,
}

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })

/**
 * Spawns `args` with the open-file limit raised to the hard limit (tens of thousands of
 * sockets need it); the returned child's pid is the program's own, not a shell's.
 */
function spawnWithFiles(args, env) {
  return spawn('sh', ['-c', 'ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
}

/** The open-file hard limit spawned servers get. */
export async function fileLimit() {
  const child = spawn('sh', ['-c', 'ulimit -Hn'], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  await new Promise((r) => child.once('exit', r))
  return out.trim() === 'unlimited' ? Infinity : Number(out)
}

async function stopChild(child) {
  if (child.exitCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
  await exited
  clearTimeout(timer)
}

async function waitReady(url, child) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`)
    try {
      if ((await fetch(`${url}/readyz`)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error('server did not become ready')
}

/** The raw uWebSockets.js floor. */
export async function startRaw() {
  const port = await freePort()
  const child = spawnWithFiles([process.execPath, 'scripts/bench/raw-uws-server.mjs'], { PORT: String(port) })
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => String(d).includes('listening') && resolve())
    child.once('exit', (code) => reject(new Error(`raw server exited with ${code}`)))
  })
  let n = 0
  return {
    name: 'raw uWS',
    pid: child.pid,
    target: { wsUrl: `ws://127.0.0.1:${port}/v1/ws`, appId: 'bench', secret: null },
    createRooms: async (count) => Array.from({ length: count }, () => `room${++n}`),
    stop: () => stopChild(child),
  }
}

/** A Roomful node, embedded (`mode: 'embedded'`) or on MariaDB + Redis. */
export async function startRoomful(mode, { nodeArgs = [], env: extraEnv = {} } = {}) {
  const port = await freePort()
  const adminKey = randomBytes(24).toString('hex')
  const env = { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ADMIN_KEY: adminKey, ...extraEnv }
  let database = null
  let prefix = null
  if (mode === 'production') {
    database = `rf_bench_${randomBytes(4).toString('hex')}`
    prefix = `rf-bench-${randomBytes(4).toString('hex')}:`
    const admin = await mysql.createConnection(MYSQL_URL)
    await admin.query(`CREATE DATABASE ${database} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`)
    await admin.end()
    // Production refuses to start without a public URL for attachment links.
    Object.assign(env, {
      MYSQL_URL: `${MYSQL_URL}/${database}`,
      REDIS_URL: REDIS_URL,
      REDIS_PREFIX: prefix,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      ...extraEnv,
    })
  } else Object.assign(env, { MYSQL_URL: '', REDIS_URL: '' })

  const child = await startNode(env, nodeArgs)
  const url = `http://127.0.0.1:${port}`
  const res = await fetch(`${url}/v1/admin/apps`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ id: 'bench', name: 'bench', limits: BENCH_LIMITS }),
  })
  if (!res.ok) throw new Error(`unable to create the bench app: ${res.status} ${await res.text()}`)
  const { secret } = await res.json()
  const target = { wsUrl: `ws://127.0.0.1:${port}/v1/ws`, appId: 'bench', secret }
  const ownerToken = await signToken(target, 'owner')

  return {
    name: mode === 'production' ? 'Roomful production' : 'Roomful embedded',
    pid: child.pid,
    url,
    adminKey,
    database,
    env,
    target,
    async createRooms(count) {
      const ids = []
      let next = 0
      const lane = async () => {
        while (next < count) {
          const i = next++
          const r = await fetch(`${url}/v1/apps/bench/rooms`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${ownerToken}`, 'Content-Type': 'application/json' },
            body: JSON.stringify({ name: `bench ${i}` }),
          })
          if (!r.ok) throw new Error(`unable to create a room: ${r.status} ${await r.text()}`)
          ids[i] = (await r.json()).id
        }
      }
      await Promise.all(Array.from({ length: 16 }, lane))
      return ids
    },
    async stop() {
      await stopChild(child)
      if (database) {
        const admin = await mysql.createConnection(MYSQL_URL)
        await admin.query(`DROP DATABASE IF EXISTS ${database}`)
        await admin.end()
      }
      if (prefix) await dropPrefix(prefix)
    },
  }
}

/** Spawns a Roomful node with `env` (its PORT included) and waits until it is ready. */
async function startNode(env, nodeArgs = []) {
  const child = spawnWithFiles([process.execPath, ...nodeArgs, 'backend/dist/main.js'], env)
  child.stdout.resume()
  await waitReady(`http://127.0.0.1:${env.PORT}`, child)
  return child
}

/**
 * A Roomful production node whose rooms are shared with a second node (same database and key
 * prefix): `listenerTarget` points at the second node, where the fan-out bench keeps one quiet
 * member per room. Every message the first node commits then goes over the bus, as in a
 * cluster whose rooms span nodes; only the first node's CPU is measured.
 */
export async function startSharedRoomful({ nodeArgs = [] } = {}) {
  const main = await startRoomful('production', { nodeArgs })
  const port = await freePort()
  let helper
  try {
    helper = await startNode({ ...main.env, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` })
  } catch (err) {
    await main.stop()
    throw err
  }
  return {
    ...main,
    name: 'Roomful production, rooms shared',
    listenerTarget: { ...main.target, wsUrl: `ws://127.0.0.1:${port}/v1/ws` },
    async stop() {
      await stopChild(helper)
      await main.stop()
    },
  }
}

/** Deletes this run's keys only (SCAN by prefix), never anything else on the shared Redis. */
async function dropPrefix(prefix) {
  const redis = new Redis(REDIS_URL)
  try {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
      cursor = next
      if (keys.length > 0) await redis.del(...keys)
    } while (cursor !== '0')
  } finally {
    await redis.quit()
  }
}

/** Pids of the shared MariaDB and Redis, found by the ports they listen on (null if unseen). */
export async function servicePids() {
  const { pidListeningOn } = await import('./proc.mjs')
  return {
    mysqld: pidListeningOn(Number(new URL(MYSQL_URL).port || 3306)),
    redis: pidListeningOn(Number(new URL(REDIS_URL).port || 6379)),
  }
}
