// The persisted ceiling: one production node, each socket alone in its room (so the load is
// the write path, not fan-out), sends offered open-loop at rising rates. A send counts once its
// ack arrives, and the node acks only after the MySQL commit. The ramp stops once ack p99
// passes the budget or the node falls behind what it is offered.
import { cpuMeter } from './proc.mjs'
import { servicePids, startRoomful } from './targets.mjs'
import { ms, sleep, table, us } from './util.mjs'

export async function ceiling(load, opts) {
  const services = await servicePids()
  const server = await startRoomful('production', { nodeArgs: opts.nodeArgs })
  const rows = []
  let best = { rate: 0, p99: NaN }
  try {
    const rooms = await server.createRooms(opts.ceilingRooms)
    await load.connect(
      server.target,
      rooms.map((room, i) => ({ user: `s${i}`, room })),
    )
    const meter = cpuMeter({ node: server.pid, ...services })
    for (const rate of opts.rates) {
      await load.run(rate)
      await sleep(1000)
      await load.reset()
      meter.start()
      await sleep(opts.ceilingSeconds * 1000)
      const cpu = meter.stop()
      const r = await load.report()
      await load.stop()
      const acked = r.acks / r.seconds
      const perAck = (s) => (s * 1e6) / Math.max(1, r.acks)
      rows.push([
        rate.toLocaleString('en'),
        acked.toFixed(0),
        ms(r.ack.p50),
        ms(r.ack.p99),
        `${r.errors + r.skipped}`,
        `${((cpu.node / r.seconds) * 100).toFixed(0)}%`,
        us(perAck(cpu.node)),
        `${((cpu.mysqld / r.seconds) * 100).toFixed(0)}%`,
        `${((cpu.redis / r.seconds) * 100).toFixed(0)}%`,
        `${((r.generatorCpu / r.seconds) * 100).toFixed(0)}%`,
      ])
      console.error(`  ceiling ${rows.at(-1).join(' · ')}${r.firstError ? ` (${r.firstError})` : ''}`)
      const keptUp = acked >= rate * 0.95 && r.errors === 0
      if (r.ack.p99 <= opts.ackBudgetMs && keptUp && acked > best.rate) best = { rate: acked, p99: r.ack.p99 }
      // Let the backlog of a step that fell behind drain before the next.
      await sleep(1500)
      if (r.ack.p99 > opts.ackBudgetMs || !keptUp) break
    }
  } finally {
    await load.closeAll()
    await server.stop()
  }
  table(
    `Persisted ceiling: 1 production node, ${opts.ceilingRooms} sockets each in its own room, sends offered open loop, acked after COMMIT; ${opts.ceilingSeconds} s per step (CPU as share of one core)`,
    [
      'offered/s',
      'acked/s',
      'ack p50',
      'ack p99',
      'lost',
      'node CPU',
      'node µs/ack',
      'mysqld',
      'redis',
      'generator',
    ],
    rows,
  )
  console.log(
    `\nHighest rate kept up with at ack p99 ≤ ${opts.ackBudgetMs} ms: ${best.rate.toFixed(0)}/s (p99 ${ms(best.p99)})`,
  )
  return best
}
