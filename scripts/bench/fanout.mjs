// Fan-out: the same load (N connections in rooms of k, members sending 80-byte messages at a
// fixed total delivery rate) against the raw uWS floor, Roomful embedded and Roomful
// production, one room size at a time with the three targets side by side, so every ratio
// compares measurements taken within minutes of each other.
import { cpuMeter, cpuSplit } from './proc.mjs'
import { servicePids, startRaw, startRoomful } from './targets.mjs'
import { ms, ratio, sleep, table, us } from './util.mjs'

export async function fanout(load, opts) {
  const services = await servicePids()
  const rows = []
  const results = []
  for (const size of opts.sizes) {
    let raw = null
    for (const kind of ['raw', 'embedded', 'production'].filter(
      (k) => k === 'raw' || opts.targets.includes(k),
    )) {
      const server = kind === 'raw' ? await startRaw() : await startRoomful(kind, { nodeArgs: opts.nodeArgs })
      try {
        const r = await measure(load, server, size, services, opts)
        if (kind === 'raw') raw = r
        results.push({ size, kind, ...r })
        rows.push([
          `${size}`,
          server.name,
          r.deliveriesPerSec.toFixed(0),
          ms(r.delivery.p50),
          ms(r.delivery.p99),
          `${us(r.nodeUs)} (${ratio(r.nodeUs, raw.nodeUs)})`,
          kind === 'production' ? us(r.mysqldUs) : '',
          kind === 'production' ? us(r.redisUs) : '',
          `${us(r.totalUs)} (${ratio(r.totalUs, raw.totalUs)})`,
          // More than 1 % of the offered sends lost: this row ran a lighter load than the others.
          `${r.skipped + r.errors}${r.skipped + r.errors > r.offered * 0.01 ? ' !' : ''}`,
          `${(r.generatorCores * 100).toFixed(0)}%`,
        ])
        console.error(
          `  fanout rooms of ${size}, ${server.name}: ${rows.at(-1).slice(2).join(' · ')} · node in kernel ${(r.systemShare * 100).toFixed(0)}%`,
        )
      } finally {
        await server.stop()
      }
    }
  }
  table(
    `Fan-out: ${opts.connections} connections, ${opts.deliveries.toLocaleString('en')} deliveries/s offered, 80-byte texts, ${opts.seconds} s measured per row. CPU per delivered message read from /proc; (×) is the ratio to raw uWS at the same room size`,
    [
      'rooms of',
      'server',
      'deliveries/s',
      'p50',
      'p99',
      'node µs/delivery',
      'mysqld µs',
      'redis µs',
      'server total µs',
      'lost',
      'generator',
    ],
    rows,
  )
  if (rows.some((row) => row[9].endsWith('!')))
    console.log(
      '\n! more than 1 % of the offered sends were lost: that row measured a lighter load (a starved machine?)',
    )
  return results
}

async function measure(load, server, size, services, opts) {
  const rooms = await server.createRooms(Math.ceil(opts.connections / size))
  const specs = Array.from({ length: opts.connections }, (_, i) => ({
    user: `u${i}`,
    room: rooms[Math.floor(i / size)],
  }))
  await load.connect(server.target, specs)
  const production = server.name === 'Roomful production'
  const meter = cpuMeter({ node: server.pid, ...(production ? services : {}) })
  // What the shared services spend on others' work meanwhile is measured just before and
  // subtracted (the machine is shared; on a quiet one this is ~0).
  await sleep(1000)
  meter.start()
  await sleep(2000)
  const before = meter.stop()
  await load.run(opts.deliveries / size)
  await sleep(opts.warmup * 1000)
  await load.reset()
  meter.start()
  const split0 = cpuSplit(server.pid)
  await sleep(opts.seconds * 1000)
  const cpu = meter.stop()
  const split1 = cpuSplit(server.pid)
  const report = await load.report()
  await load.stop()
  await sleep(1000)
  meter.start()
  await sleep(2000)
  const after = meter.stop()
  await load.closeAll()
  // Others' load on the shared services comes in bursts: the quieter of the two windows is
  // the better estimate of what ran beside ours.
  const background = Object.fromEntries(Object.keys(cpu).map((k) => [k, Math.min(before[k], after[k])]))
  const seconds = report.seconds
  const perDelivery = (cpuSeconds) => (cpuSeconds * 1e6) / Math.max(1, report.deliveries)
  const net = (name) => Math.max(0, (cpu[name] ?? 0) - ((background[name] ?? 0) * seconds) / 2)
  const nodeUs = perDelivery(cpu.node)
  const mysqldUs = production ? perDelivery(net('mysqld')) : 0
  const redisUs = production ? perDelivery(net('redis')) : 0
  return {
    deliveriesPerSec: report.deliveries / seconds,
    delivery: report.delivery,
    nodeUs,
    mysqldUs,
    redisUs,
    totalUs: nodeUs + mysqldUs + redisUs,
    skipped: report.skipped,
    offered: report.sent + report.skipped,
    errors: report.errors,
    firstError: report.firstError,
    generatorCores: report.generatorCpu / seconds,
    /** Share of the node's CPU spent in the kernel (socket writes, mostly). */
    systemShare: (split1.system - split0.system) / Math.max(1e-9, cpu.node),
  }
}
