// Memory per idle authenticated connection: RSS of one production node with N sockets that
// authenticated and then do nothing, less its RSS with a few hundred (so start-up and warm-up
// do not count), per extra socket. Two kinds: sockets that only authenticated (a lobby), and
// sockets that also joined a room of 10 (a chat open in a tab). Source addresses are spread
// over 127.0.0.x: one address has only ~28,000 ephemeral ports.
//
// RSS is read twice: 10 s after the last socket opened, and settled (the warm-up's RSS is read
// settled too). A burst of opens, joins above all, leaves garbage and heap that V8 returns to
// the system only once the node has been quiet for a while: 20 s after 500 opens, 85 s after
// 9,500 in one trace (142 MB, then 105 MB). The first figure is that burst, the second what
// the sockets themselves hold, which is the one judged. Beside them, what the node
// spends on CPU while all of them idle: the price of timers and sweeps that visit every socket.
import { cpuSeconds, rssBytes } from './proc.mjs'
import { fileLimit, startRoomful } from './targets.mjs'
import { kb, sleep, table } from './util.mjs'

const WARM = 500
const PER_ADDRESS = 10_000
/** How long the node's CPU is read while every socket idles. */
const IDLE_MS = 5000
/** Settling: RSS read every 5 s for up to two minutes, ended early once it has come down. */
const SETTLE_READS = 24
const SETTLE_EVERY_MS = 5000
/** Come down: two reads in a row at least this much below the first, within 2 % of each other. */
const SETTLED_DROP = 0.1
const ROOM_SIZE = 10

/** The lowest RSS of `pid` over the settling reads, starting from `first`. */
async function settledRss(pid, first = rssBytes(pid)) {
  let lowest = first
  let previous = first
  for (let read = 0; read < SETTLE_READS; read++) {
    await sleep(SETTLE_EVERY_MS)
    const now = rssBytes(pid)
    lowest = Math.min(lowest, now)
    const down = (bytes) => bytes <= first * (1 - SETTLED_DROP)
    if (down(now) && down(previous) && Math.abs(now - previous) <= 0.02 * previous) break
    previous = now
  }
  return lowest
}
/** Sockets that join rooms (one count: each also costs a room's history and presence reads). */
const JOINED = 10_000

export async function rss(load, opts) {
  const limit = await fileLimit()
  // The node needs a descriptor per socket plus its own (MySQL pool, Redis, files).
  const most = Number.isFinite(limit) ? limit - 1000 : Infinity
  const rows = []
  let worst = NaN
  for (const [kind, counts] of [
    ['authenticated', opts.rssCounts],
    [`in rooms of ${ROOM_SIZE}`, [JOINED]],
  ]) {
    const joined = kind !== 'authenticated'
    const server = await startRoomful('production', { nodeArgs: opts.nodeArgs })
    try {
      const rooms = joined
        ? await server.createRooms(Math.ceil(Math.min(Math.max(...counts), most) / ROOM_SIZE))
        : []
      let open = 0
      const addresses = (n) =>
        Array.from({ length: Math.ceil(n / PER_ADDRESS) + 1 }, (_, i) => `127.0.0.${2 + i}`)
      const openMore = async (n) => {
        const specs = Array.from({ length: n }, (_, i) => ({
          user: `i${open + i}`,
          room: joined ? rooms[Math.floor((open + i) / ROOM_SIZE)] : null,
        }))
        await load.connect(server.target, specs, { localAddresses: addresses(open + n), concurrency: 100 })
        open += n
      }
      await openMore(WARM)
      const base = await settledRss(server.pid)
      rows.push([
        kind,
        '(warm-up)',
        WARM.toLocaleString('en'),
        `${(base / 2 ** 20).toFixed(0)} MB`,
        '',
        '',
        '',
      ])
      for (const wanted of counts) {
        const n = Math.min(wanted, most)
        if (n <= open) continue
        await openMore(n - open)
        await sleep(5000)
        const cpuBefore = cpuSeconds(server.pid)
        await sleep(IDLE_MS)
        const idleCpu = (cpuSeconds(server.pid) - cpuBefore) / (IDLE_MS / 1000)
        const burst = rssBytes(server.pid)
        const settled = await settledRss(server.pid, burst)
        const per = (bytes) => (bytes - base) / (open - WARM)
        worst = Number.isNaN(worst) ? per(settled) : Math.max(worst, per(settled))
        rows.push([
          kind,
          wanted.toLocaleString('en'),
          open.toLocaleString('en') + (n < wanted ? ` (open-file limit ${limit})` : ''),
          `${(settled / 2 ** 20).toFixed(0)} MB`,
          kb(per(settled)),
          kb(per(burst)),
          `${(idleCpu * 1000).toFixed(1)} ms/s`,
        ])
        console.error(`  rss ${rows.at(-1).join(' · ')}`)
      }
    } finally {
      await load.closeAll()
      await server.stop()
    }
  }
  table(
    'Idle connections on one production node (RSS from /proc; per connection = growth over the warm-up, settled and 10 s after the opens)',
    ['sockets', 'wanted', 'open', 'node RSS', 'per connection', 'right after', 'node CPU while idle'],
    rows,
  )
  return { perConnection: worst }
}
