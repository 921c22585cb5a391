#!/usr/bin/env node
// Captures the worked session transcript of docs/protocol.md from a real backend.
//
// Usage (from the repo root, after `npm run build`):
//   PORT=18080 DEMO_PORT=18081 node backend/dist/main.js &     # embedded mode, seeds app `demo`
//   node scripts/protocol-transcript.mjs [--spawn] [--raw]
//
// --spawn  starts `node backend/dist/main.js` itself on PORT (default 18080) and stops it after.
// --raw    prints one JSON line per frame instead of the Markdown transcript.
// ROOMFUL_URL (default http://localhost:18080), ROOMFUL_APP (default demo) and DEMO_APP_SECRET
// (default roomful-demo-secret-change-me) point it elsewhere.
//
// It mints two HS256 user tokens with the app secret (as a host site's server would), creates a
// room over REST, then drives two WebSocket clients through auth → join → send → a second
// client joining → typing → history → ranking.subscribe → leave → resume, plus a few refused
// frames, and prints every frame in the order it was sent or received. Tokens are shortened to
// `eyJ…` in the output.
import { spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { SignJWT } from 'jose'
import WebSocket from 'ws'

const args = new Set(process.argv.slice(2))
const port = Number(process.env.PORT || 18080)
const baseUrl = process.env.ROOMFUL_URL || `http://localhost:${port}`
const appId = process.env.ROOMFUL_APP || 'demo'
const secret = process.env.DEMO_APP_SECRET || 'roomful-demo-secret-change-me'
const SETTLE_MS = 400 // long enough for bus delivery and the 100 ms ranking coalescing window

let server = null
if (args.has('--spawn')) {
  // uWebSockets.js listens with SO_REUSEPORT, so a second backend on a busy port starts fine and
  // the kernel splits connections between the two: refuse instead of mixing two servers' frames.
  const busy = await fetch(`http://localhost:${port}/livez`).then(
    () => true,
    () => false,
  )
  if (busy) {
    console.error(`port ${port} already serves something; stop it or set PORT to a free port`)
    process.exit(1)
  }
  server = spawn(process.execPath, ['backend/dist/main.js'], {
    env: {
      ...process.env,
      PORT: String(port),
      DEMO_PORT: process.env.DEMO_PORT || String(port + 1),
      // info: the "listening" line is what this waits for
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  await new Promise((resolve, reject) => {
    server.stdout.on('data', (chunk) => String(chunk).includes('Roomful backend listening') && resolve())
    server.once('exit', (code) => reject(new Error(`the backend exited with ${code}`)))
  })
}

const tokens = []
const shorten = (text) => tokens.reduce((out, t) => out.split(t).join('eyJ…'), text)

async function mint(sub, name) {
  const token = await new SignJWT({ name })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuer(appId)
    .setAudience('roomful')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret))
  tokens.push(token)
  return token
}

// ---- the transcript --------------------------------------------------------------------------
const lines = []
const out = (line = '') => lines.push(line)
const frame = (who, dir, text) => {
  if (args.has('--raw')) return out(JSON.stringify({ who, dir, frame: JSON.parse(shorten(text)) }))
  out(`${who} ${dir} ${shorten(text)}`)
}
const step = (title) => out(args.has('--raw') ? JSON.stringify({ step: title }) : `\n# ${title}`)

class Client {
  constructor(name, socket) {
    this.name = name
    this.socket = socket
    this.waiters = new Map()
    this.nextId = 0
    socket.on('message', (data) => {
      const text = String(data)
      frame(this.name, '←', text)
      const parsed = JSON.parse(text)
      if (parsed.type === 'reply') this.waiters.get(parsed.id)?.(parsed)
    })
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => {
        out(`${this.name} ✕ closed ${code} ${String(reason)}`)
        resolve(code)
      }),
    )
  }

  static async open(name) {
    const url = `${baseUrl.replace(/^http/, 'ws')}/v1/ws?app=${encodeURIComponent(appId)}`
    const socket = new WebSocket(url, 'roomful.v1')
    await new Promise((resolve, reject) => {
      socket.once('open', resolve)
      socket.once('error', reject)
    })
    out(`${name} ⇄ GET /v1/ws?app=${appId} (Sec-WebSocket-Protocol: ${socket.protocol}) → 101`)
    return new Client(name, socket)
  }

  raw(text) {
    frame(this.name, '→', text)
    this.socket.send(text)
  }

  /** Sends a request and waits for its reply, then for events to settle. */
  async request(op, fields = {}) {
    const id = `${this.name[0].toLowerCase()}${++this.nextId}`
    const reply = new Promise((resolve) => this.waiters.set(id, resolve))
    this.raw(JSON.stringify({ op, id, ...fields }))
    const result = await Promise.race([reply, sleep(5000).then(() => ({ timeout: true }))])
    this.waiters.delete(id)
    await sleep(SETTLE_MS)
    return result
  }
}

async function rest(method, path, token, body) {
  const res = await fetch(`${baseUrl}/v1/apps/${appId}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body && { 'content-type': 'application/json' }) },
    body: body && JSON.stringify(body),
  })
  const text = await res.text()
  out(`${method} /v1/apps/${appId}${path}${body ? ' ' + JSON.stringify(body) : ''}`)
  out(`  → ${res.status} ${text}`)
  return JSON.parse(text)
}

try {
  const aliceToken = await mint('alice', 'Alice')
  const bobToken = await mint('bob', 'Bob')

  step('REST: create a room (Authorization: Bearer eyJ…)')
  const room = await rest('POST', '/rooms', aliceToken, { name: 'General', topic: 'Anything goes' })

  step('Alice connects and authenticates')
  const alice = await Client.open('A')
  await alice.request('auth', { token: aliceToken })

  step('Alice joins the empty room (fresh join: latest page)')
  await alice.request('join', { room: room.id })

  step('Alice sends a message')
  await alice.request('send', { room: room.id, clientId: 'c-alice-1', text: 'Hello, is anyone here?' })

  step('Alice retries the same send (same clientId): the original comes back, nothing new is stored')
  await alice.request('send', { room: room.id, clientId: 'c-alice-1', text: 'Hello, is anyone here?' })

  step('Alice subscribes to the ranking board')
  await alice.request('ranking.subscribe')

  step('Bob connects, authenticates and joins')
  const bob = await Client.open('B')
  await bob.request('auth', { token: bobToken })
  await bob.request('join', { room: room.id, limit: 50 })

  step('Bob is typing (a second call within typingIntervalMs is dropped quietly)')
  await bob.request('typing', { room: room.id })
  await bob.request('typing', { room: room.id })

  step('Bob replies')
  await bob.request('send', { room: room.id, clientId: 'c-bob-1', text: 'Hi Alice!' })

  step('Bob loads older history: two messages before seq 4')
  await bob.request('history', { room: room.id, before: 4, limit: 2 })

  step('Bob leaves')
  await bob.request('leave', { room: room.id })

  step('Alice sends while Bob is away')
  await alice.request('send', { room: room.id, clientId: 'c-alice-2', text: 'See you later, Bob.' })

  step('Bob comes back and resumes from the last seq he saw (4)')
  await bob.request('join', { room: room.id, sinceSeq: 4 })

  step('Refused frames: the connection stays open')
  bob.raw('{"op":"send",')
  await sleep(SETTLE_MS)
  await bob.request('shout', { room: room.id })
  await bob.request('send', { room: room.id, clientId: 'c-bob-2', text: 'x', extra: true })
  await bob.request('history', { room: 'r_does_not_exist' })
  await bob.request('ping')

  step('Both close their sockets')
  bob.socket.close(1000)
  await bob.closed
  await sleep(SETTLE_MS)
  alice.socket.close(1000)
  await alice.closed
} finally {
  console.log(lines.join('\n'))
  if (server) {
    server.kill('SIGTERM')
    await new Promise((resolve) => server.once('exit', resolve))
  }
}
