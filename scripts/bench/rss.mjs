// Memory per idle authenticated connection: RSS of one production node with N sockets that
// authenticated and then do nothing, less its RSS with a few hundred (so start-up and warm-up
// do not count), per extra socket. Source addresses are spread over 127.0.0.x: one address has
// only ~28,000 ephemeral ports. Beside it, what the node spends on CPU while all of them idle:
// the price of timers and sweeps that visit every socket.
import { cpuSeconds, rssBytes } from './proc.mjs'
import { fileLimit, startRoomful } from './targets.mjs'
import { kb, sleep, table } from './util.mjs'

const WARM = 500
const PER_ADDRESS = 10_000
/** How long the node's CPU is read while every socket idles. */
const IDLE_MS = 5000

export async function rss(load, opts) {
  const limit = await fileLimit()
  // The node needs a descriptor per socket plus its own (MySQL pool, Redis, files).
  const most = Number.isFinite(limit) ? limit - 1000 : Infinity
  const server = await startRoomful('production', { nodeArgs: opts.nodeArgs })
  const rows = []
  let worst = NaN
  try {
    let open = 0
    const addresses = (n) =>
      Array.from({ length: Math.ceil(n / PER_ADDRESS) + 1 }, (_, i) => `127.0.0.${2 + i}`)
    const openMore = async (n) => {
      const specs = Array.from({ length: n }, (_, i) => ({ user: `i${open + i}`, room: null }))
      await load.connect(server.target, specs, { localAddresses: addresses(open + n), concurrency: 100 })
      open += n
    }
    await openMore(WARM)
    await sleep(3000)
    const base = rssBytes(server.pid)
    for (const wanted of opts.rssCounts) {
      const n = Math.min(wanted, most)
      if (n <= open) continue
      await openMore(n - open)
      // Settled first: the burst of opens leaves work behind (collections, presence writes).
      await sleep(5000)
      const cpuBefore = cpuSeconds(server.pid)
      await sleep(IDLE_MS)
      const idleCpu = (cpuSeconds(server.pid) - cpuBefore) / (IDLE_MS / 1000)
      const now = rssBytes(server.pid)
      const per = (now - base) / (open - WARM)
      worst = Number.isNaN(worst) ? per : Math.max(worst, per)
      rows.push([
        wanted.toLocaleString('en'),
        open.toLocaleString('en') + (n < wanted ? ` (open-file limit ${limit})` : ''),
        `${(now / 2 ** 20).toFixed(0)} MB`,
        kb(per),
        `${(idleCpu * 1000).toFixed(1)} ms/s`,
      ])
      console.error(`  rss ${rows.at(-1).join(' · ')}`)
    }
    rows.unshift(['(warm-up)', WARM.toLocaleString('en'), `${(base / 2 ** 20).toFixed(0)} MB`, '', ''])
  } finally {
    await load.closeAll()
    await server.stop()
  }
  table(
    'Idle authenticated connections on one production node (RSS from /proc; per connection = growth over the warm-up)',
    ['wanted', 'open', 'node RSS', 'per connection', 'node CPU while idle'],
    rows,
  )
  return { perConnection: worst }
}
