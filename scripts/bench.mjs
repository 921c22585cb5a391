// Load benchmark of one production node on loopback: sends acked per second (acked = after the
// MySQL commit), ack latency, and send → delivered-to-others latency. Prints numbers against
// the SPEC budgets; bounded in count and in time. Needs `npm run build`, MariaDB and Redis.
//
//   node scripts/bench.mjs [--rooms 50] [--members 4] [--in-flight 8] [--seconds 15] [--max 200000]
import { execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:net'
import { promisify } from 'node:util'
import { parseArgs } from 'node:util'
import mysql from 'mysql2/promise'
import { SignJWT } from 'jose'
import WebSocket from 'ws'

const { values: opts } = parseArgs({
  options: {
    rooms: { type: 'string', default: '50' },
    members: { type: 'string', default: '4' },
    'in-flight': { type: 'string', default: '8' },
    seconds: { type: 'string', default: '15' },
    max: { type: 'string', default: '200000' },
  },
})
const ROOMS = Number(opts.rooms)
const MEMBERS = Number(opts.members)
const IN_FLIGHT = Number(opts['in-flight'])
const SECONDS = Number(opts.seconds)
const MAX_SENDS = Number(opts.max)
const MYSQL = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306'
const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379'

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN

const database = `rf_bench_${randomBytes(4).toString('hex')}`
const admin = await mysql.createConnection(MYSQL)
await admin.query(`CREATE DATABASE ${database}`)
const env = {
  ...process.env,
  MYSQL_URL: `${MYSQL}/${database}`,
  REDIS_URL: REDIS,
  REDIS_PREFIX: `rf-bench-${randomBytes(3).toString('hex')}:`,
  LOG_LEVEL: 'warn',
}
const { stdout } = await promisify(execFile)(
  process.execPath,
  ['backend/dist/cli/admin.js', 'create-app', 'bench'],
  { env },
)
const app = JSON.parse(stdout)
// Sends per second per user are limited (10 by default): the bench app lifts the limit.
await admin.query(`UPDATE ${database}.apps SET limits = ? WHERE id = 'bench'`, [
  JSON.stringify({
    sendsPerSecond: 100000,
    sendBurst: 100000,
    framesPerSecond: 100000,
    maxConnectionsPerUser: 1000,
  }),
])

const port = await freePort()
const node = spawn(process.execPath, ['backend/dist/main.js'], {
  env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
  stdio: ['ignore', 'inherit', 'inherit'],
})
const url = `http://127.0.0.1:${port}`
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${url}/readyz`)).ok) break
  } catch {
    // not listening yet
  }
  if (i > 300) throw new Error('backend did not start')
  await new Promise((r) => setTimeout(r, 100))
}

const token = (sub) =>
  new SignJWT({ name: sub })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuer(app.id)
    .setAudience('roomful')
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(app.secret))

const rooms = []
for (let r = 0; r < ROOMS; r++) {
  const res = await fetch(`${url}/v1/apps/${app.id}/rooms`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${await token('owner')}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: `bench ${r}` }),
  })
  rooms.push((await res.json()).id)
}

const sentAt = new Map() // clientId → send time
const ackLatency = []
const deliveryLatency = []
let sends = 0
let acked = 0
let failed = 0
let delivered = 0
let stopping = false

function openMember(roomId, sub) {
  const memberToken = token(sub)
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/v1/ws?app=${app.id}`, 'roomful.v1')
    ws.once('error', reject)
    ws.once('open', async () => ws.send(JSON.stringify({ op: 'auth', id: 'a', token: await memberToken })))
    let inFlight = 0
    const pump = () => {
      while (!stopping && inFlight < IN_FLIGHT && sends < MAX_SENDS) {
        const clientId = `${sub}-${sends++}`
        sentAt.set(clientId, performance.now())
        inFlight++
        ws.send(JSON.stringify({ op: 'send', id: clientId, room: roomId, clientId, text: 'x'.repeat(40) }))
      }
    }
    ws.on('message', (data) => {
      const frame = JSON.parse(data)
      if (frame.type === 'reply' && frame.id === 'a')
        ws.send(JSON.stringify({ op: 'join', id: 'j', room: roomId, limit: 1 }))
      else if (frame.type === 'reply' && frame.id === 'j') resolve({ ws, start: pump })
      else if (frame.type === 'reply') {
        inFlight--
        if (frame.error) failed++
        else {
          acked++
          ackLatency.push(performance.now() - sentAt.get(frame.id))
        }
        pump()
      } else if (
        frame.type === 'message' &&
        frame.message.clientId &&
        !frame.message.clientId.startsWith(`${sub}-`)
      ) {
        const t0 = sentAt.get(frame.message.clientId)
        if (t0 !== undefined) {
          delivered++
          deliveryLatency.push(performance.now() - t0)
        }
      }
    })
  })
}

const members = []
for (const roomId of rooms)
  for (let m = 0; m < MEMBERS; m++) members.push(await openMember(roomId, `u${members.length}`))
const started = performance.now()
for (const m of members) m.start()
await new Promise((resolve) => {
  const check = setInterval(() => {
    if (performance.now() - started > SECONDS * 1000 || sends >= MAX_SENDS) {
      clearInterval(check)
      resolve()
    }
  }, 50)
})
stopping = true
const elapsed = (performance.now() - started) / 1000
await new Promise((r) => setTimeout(r, 1000)) // let the last acks and deliveries land
for (const m of members) m.ws.close()
node.kill('SIGTERM')
await new Promise((r) => node.once('exit', r))
await admin.query(`DROP DATABASE ${database}`)
await admin.end()

ackLatency.sort((a, b) => a - b)
deliveryLatency.sort((a, b) => a - b)
const ms = (v) => `${v.toFixed(1)} ms`
console.log(
  `\nRoomful bench: 1 production node, ${ROOMS} rooms × ${MEMBERS} members, ${IN_FLIGHT} sends in flight per member, ${elapsed.toFixed(1)} s`,
)
console.log(
  `  sends acked after commit: ${acked} (${failed} refused) → ${(acked / elapsed).toFixed(0)}/s   (budget ≥ 30,000/s)`,
)
console.log(
  `  ack latency: p50 ${ms(percentile(ackLatency, 50))}, p99 ${ms(percentile(ackLatency, 99))}   (budget p99 ≤ 20 ms)`,
)
console.log(
  `  deliveries to other members: ${delivered} → ${(delivered / elapsed).toFixed(0)}/s; send → delivered p50 ${ms(percentile(deliveryLatency, 50))}, p99 ${ms(percentile(deliveryLatency, 99))}   (budget p99 ≤ 15 ms at 50,000/s)`,
)
console.log('  load generator and server share this machine’s cores; numbers are for comparison between runs')
