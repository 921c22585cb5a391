// History pages of a room holding 1,000,000 messages: seeded straight into a fresh database
// (MariaDB's SEQUENCE engine generates the rows server-side, in seconds), then read through the
// WebSocket `history` op as clients scrolling up would, one request in flight per socket.
import mysql from 'mysql2/promise'
import { MYSQL_URL, startRoomful } from './targets.mjs'
import { ms, sleep, table } from './util.mjs'

const CHUNK = 250_000

export async function history(load, opts) {
  const total = opts.historyMessages
  const server = await startRoomful('production', { nodeArgs: opts.nodeArgs })
  const rows = []
  let worstP99 = NaN
  try {
    const [room] = await server.createRooms(1)
    const started = performance.now()
    await seed(server.database, room, total)
    const seedSeconds = (performance.now() - started) / 1000
    console.error(`  history: seeded ${total.toLocaleString('en')} messages in ${seedSeconds.toFixed(1)} s`)
    await load.connect(
      server.target,
      Array.from({ length: opts.historySockets }, (_, i) => ({ user: `h${i}`, room })),
    )
    const pages = { latest: 'newest page', random: 'page before a random seq' }
    const measure = async (label, start) => {
      await load.reset()
      await start()
      await sleep(opts.historySeconds * 1000)
      await load.stop()
      const r = await load.report()
      await sleep(300)
      rows.push([
        label,
        `${r.ack.n}`,
        (r.ack.n / r.seconds).toFixed(0),
        ms(r.ack.p50),
        ms(r.ack.p99),
        `${r.errors}`,
      ])
      return r
    }
    // Latency at a steady offered rate (open loop): what a client entering or scrolling a room
    // waits while the node serves others. This is the budget's figure.
    for (const before of ['latest', 'random']) {
      const r = await measure(`${pages[before]}, ${opts.historyRate}/s offered`, () =>
        load.run(opts.historyRate, { kind: 'history', before, maxSeq: total }),
      )
      worstP99 = Number.isNaN(worstP99) ? r.ack.p99 : Math.max(worstP99, r.ack.p99)
    }
    // Saturated (closed loop, every socket always waiting): the most pages per second the node
    // serves. Latency here is in-flight / throughput (Little's law), not a budget.
    for (const before of ['latest', 'random'])
      await measure(`${pages[before]}, ${opts.historySockets} in flight`, () =>
        load.closedLoop({ kind: 'history', before, maxSeq: total }),
      )
  } finally {
    await load.closeAll()
    await server.stop()
  }
  table(
    `History: one room with ${total.toLocaleString('en')} messages, pages of 50 over ${opts.historySockets} sockets, ${opts.historySeconds} s per row`,
    ['page', 'requests', 'per s', 'p50', 'p99', 'errors'],
    rows,
  )
  return { p99: worstP99 }
}

async function seed(database, room, total) {
  const db = await mysql.createConnection(`${MYSQL_URL}/${database}`)
  try {
    const text = `REPEAT('x', 80)`
    for (let from = 1; from <= total; from += CHUNK) {
      const to = Math.min(total, from + CHUNK - 1)
      await db.query(
        `INSERT INTO messages (app_id, room_id, seq, id, kind, user_id, user_name, user_avatar, text, client_id, notice, attachment, created_at)
         SELECT 'bench', ?, seq, CONCAT('m', LPAD(seq, 12, '0')), 'text', CONCAT('u', seq % 1000), 'bench user', NULL,
                ${text}, CONCAT('c', seq), NULL, NULL, NOW(3) - INTERVAL (? - seq) SECOND
         FROM seq_${from}_to_${to}`,
        [room, total],
      )
    }
    await db.query(`UPDATE rooms SET last_seq = ? WHERE app_id = 'bench' AND id = ?`, [total, room])
  } finally {
    await db.end()
  }
}
