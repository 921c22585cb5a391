// One load-generator process (the orchestrator forks several, so the generator is not one
// core's worth of `ws`). It holds a slice of the connections, sends at the rate it is told
// (open loop: a slow server gets a growing backlog, not a politely slower client) or keeps one
// request in flight per socket (closed loop), and fills latency histograms. Frames are
// recognised by their first bytes and the few fields the bench needs are cut out of the
// string: parsing every delivery as JSON would make the generator the bottleneck.
//
// Timestamps travel inside the frames (request ids, message texts) as microseconds of the
// monotonic clock, which every process on the machine shares.
import WebSocket from 'ws'
import { newHistogram, record } from './histogram.mjs'
import { signToken } from './tokens.mjs'

const nowUs = () => Number(process.hrtime.bigint() / 1000n)
const TEXT_BYTES = 80
/** `{"type":"` is 9 characters: the type's first letter follows. */
const TYPE_AT = 9
const REPLY_ID_AT = '{"type":"reply","id":"'.length

const conns = []
let stats = freshStats()
let pacer = null

function freshStats() {
  return {
    sent: 0,
    skipped: 0,
    acks: 0,
    errors: 0,
    firstError: null,
    deliveries: 0,
    ackLatency: newHistogram(),
    deliveryLatency: newHistogram(),
    cpuStart: process.cpuUsage(),
    startedUs: nowUs(),
  }
}

function onFrame(conn, data) {
  const s = data.toString('latin1')
  const type = s.charCodeAt(TYPE_AT)
  if (type === 109 /* m: message */) {
    if (conn.quiet) return
    stats.deliveries++
    const at = s.indexOf('"text":"') + 8
    const digit = s.charCodeAt(at)
    if (at < 8 || digit < 48 || digit > 57) return // a notice, not a bench text
    const bar = s.indexOf('|', at)
    const tagEnd = s.indexOf('|', bar + 1)
    if (s.slice(bar + 1, tagEnd) !== conn.tag)
      record(stats.deliveryLatency, (nowUs() - Number(s.slice(at, bar))) / 1000)
  } else if (type === 114 /* r */ && s.startsWith('reply', TYPE_AT)) {
    const end = s.indexOf('"', REPLY_ID_AT)
    const id = s.slice(REPLY_ID_AT, end)
    if (conn.waiting) return conn.waiting(s, id)
    const failed = s.startsWith('"error"', end + 2)
    if (failed) {
      stats.errors++
      stats.firstError ??= s.slice(0, 300)
    } else {
      stats.acks++
      record(stats.ackLatency, (nowUs() - Number(id)) / 1000)
    }
    conn.inFlight--
    if (conn.closedLoop) request(conn)
  }
}

/** Opens one socket, authenticates and joins its room; resolves once it is ready. */
function open(target, spec, localAddress) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${target.wsUrl}?app=${target.appId}`, 'roomful.v1', {
      perMessageDeflate: false,
      skipUTF8Validation: true,
      localAddress,
      handshakeTimeout: 30_000,
    })
    const conn = {
      ws,
      tag: spec.user,
      room: spec.room,
      group: spec.group,
      // A member that only listens, on another node: what it receives is not counted.
      quiet: spec.quiet === true,
      inFlight: 0,
      closedLoop: false,
      waiting: null,
      n: 0,
    }
    const step = (frame, id) =>
      new Promise((done, fail) => {
        conn.waiting = (s, gotId) => {
          if (gotId !== id) return
          conn.waiting = null
          if (s.startsWith('"error"', REPLY_ID_AT + id.length + 2))
            fail(new Error(`${frame.op} refused: ${s.slice(0, 300)}`))
          else done()
        }
        ws.send(JSON.stringify(frame))
      })
    ws.on('error', reject)
    ws.on('message', (data) => onFrame(conn, data))
    ws.once('open', async () => {
      try {
        const token = target.secret === null ? 'raw' : await signToken(target, spec.user)
        await step({ op: 'auth', id: 'a', token }, 'a')
        if (spec.room) await step({ op: 'join', id: 'j', room: spec.room, limit: 1 }, 'j')
        ws.removeListener('error', reject)
        ws.on('error', () => undefined)
        resolve(conn)
      } catch (err) {
        reject(err)
      }
    })
  })
}

async function connect({ target, specs, localAddresses, concurrency }) {
  let next = 0
  let failed = 0
  let firstError = null
  const lane = async () => {
    while (next < specs.length) {
      const i = next++
      try {
        conns.push(await open(target, specs[i], localAddresses[i % localAddresses.length]))
      } catch (err) {
        failed++
        firstError ??= String(err?.message ?? err)
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane))
  return { connected: conns.length, failed, firstError }
}

function sendText(conn) {
  const head = `${nowUs()}|${conn.tag}|`
  return head + 'x'.repeat(Math.max(0, TEXT_BYTES - head.length))
}

/** One request on `conn`, its id the send time. */
function request(conn) {
  conn.inFlight++
  stats.sent++
  const id = String(nowUs())
  if (conn.kind === 'history') {
    const before = conn.before === 'latest' ? undefined : 1 + Math.floor(Math.random() * conn.maxSeq)
    conn.ws.send(JSON.stringify({ op: 'history', id, room: conn.room, before, limit: 50 }))
  } else {
    conn.ws.send(
      JSON.stringify({
        op: 'send',
        id,
        room: conn.room,
        clientId: `${conn.tag}-${conn.n++}`,
        text: sendText(conn),
      }),
    )
  }
}

/** Open loop: `rate` requests per second over every joined socket (of `group`, if given) in
 * turn, for as long as told: sends, or history pages when `kind` says so. */
function run({ rate, group, kind = 'send', before, maxSeq, maxOutstanding = 20_000 }) {
  const senders = conns.filter((c) => c.room && (group === undefined || c.group === group))
  if (senders.length === 0 || rate <= 0) return
  for (const conn of senders) Object.assign(conn, { kind, before, maxSeq })
  const started = performance.now()
  let due = 0
  let turn = 0
  pacer = setInterval(() => {
    const target = Math.floor((rate * (performance.now() - started)) / 1000)
    let n = target - due
    due = target
    // A generator starved of CPU for more than 50 ms would send a burst the server was never
    // offered; those sends are counted as skipped instead.
    const cap = Math.max(1, Math.ceil(rate * 0.05))
    if (n > cap) {
      stats.skipped += n - cap
      n = cap
    }
    for (; n > 0; n--) {
      if (stats.sent - stats.acks - stats.errors > maxOutstanding) {
        stats.skipped += n
        break
      }
      request(senders[turn++ % senders.length])
    }
  }, 2)
}

/** Closed loop: every socket keeps one request of `kind` in flight. */
function closedLoop({ kind, before, maxSeq }) {
  for (const conn of conns) {
    Object.assign(conn, { closedLoop: true, kind, before, maxSeq })
    request(conn)
  }
}

function stop() {
  if (pacer) clearInterval(pacer)
  pacer = null
  for (const conn of conns) conn.closedLoop = false
}

function report() {
  const cpu = process.cpuUsage(stats.cpuStart)
  return {
    ...stats,
    cpuStart: undefined,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    seconds: (nowUs() - stats.startedUs) / 1e6,
  }
}

async function closeAll() {
  stop()
  const all = conns.splice(0)
  await Promise.all(
    all.map(
      (c) =>
        new Promise((resolve) => {
          if (c.ws.readyState === WebSocket.CLOSED) return resolve()
          c.ws.once('close', resolve)
          c.ws.terminate()
        }),
    ),
  )
}

const commands = {
  connect,
  run,
  closedLoop,
  stop,
  reset: () => void (stats = freshStats()),
  report,
  closeAll,
}

process.on('message', async ({ seq, cmd, args }) => {
  try {
    const result = await commands[cmd](args ?? {})
    process.send({ seq, result })
  } catch (err) {
    process.send({ seq, error: String(err?.stack ?? err) })
  }
})
process.on('disconnect', () => process.exit(0))
