// Fan-out: the same load (N connections in rooms of k, members sending 80-byte messages at a
// fixed total delivery rate) against the raw uWS floor, Roomful embedded, Roomful production,
// and Roomful production with its rooms shared by a second node (one quiet member per room
// there, so every message goes over the bus). For each room size the servers run at once, each
// with its own idle connections, and the load moves between them in short slices (raw,
// embedded, production, raw, …) so that every ratio compares measurements taken seconds apart:
// on a shared machine the cost of the same work drifts by tens of percent within a minute.
import { merge, newHistogram, percentile } from './histogram.mjs'
import { cpuByThread, cpuSplit } from './proc.mjs'
import { loadSlice } from './slice.mjs'
import { servicePids, startRaw, startRoomful, startSharedRoomful } from './targets.mjs'
import { median, ms, ratio, sleep, table, us } from './util.mjs'

export async function fanout(load, opts) {
  const services = await servicePids()
  const kinds = ['raw', 'embedded', 'production', 'shared'].filter(
    (k) => k === 'raw' || opts.targets.includes(k),
  )
  const rows = []
  const results = []
  for (const size of opts.sizes) {
    const servers = []
    try {
      for (const kind of kinds)
        servers.push(
          kind === 'raw'
            ? await startRaw()
            : kind === 'shared'
              ? await startSharedRoomful({ nodeArgs: opts.nodeArgs })
              : await startRoomful(kind, { nodeArgs: opts.nodeArgs }),
        )
      for (const server of servers) await connectRooms(load, server, size, opts)
      await sleep(1000)
      const slices = new Map(servers.map((s) => [s, []]))
      for (let rep = 0; rep < opts.repeats; rep++)
        for (const server of servers) slices.get(server).push(await slice(load, server, size, services, opts))
      for (const [i, server] of servers.entries()) {
        const r = summarize(
          slices.get(server),
          slices.get(servers[0]),
          kinds[i] === 'production' || kinds[i] === 'shared' ? services : {},
        )
        const kind = kinds[i]
        results.push({ size, kind, ...r })
        rows.push([
          `${size}`,
          server.name,
          r.deliveriesPerSec.toFixed(0),
          ms(r.delivery.p50),
          ms(r.delivery.p99),
          `${us(r.nodeUs)} (${ratio(r.nodeRatio, 1)})`,
          kind === 'production' || kind === 'shared' ? us(r.mysqldUs) : '',
          kind === 'production' || kind === 'shared' ? us(r.redisUs) : '',
          `${us(r.totalUs)} (${ratio(r.totalRatio, 1)})`,
          // More than 1 % of the offered sends lost: this row ran a lighter load than the others.
          `${r.lost}${r.lost > r.offered * 0.01 ? ' !' : ''}`,
          `${(r.generatorCores * 100).toFixed(0)}%`,
        ])
        console.error(
          `  fanout rooms of ${size}, ${server.name}: ${rows.at(-1).slice(2).join(' · ')} · node in kernel ${(r.systemShare * 100).toFixed(0)}% · threads ${r.threadShares} · ratios ${r.nodeRatios.map((x) => x.toFixed(2)).join(' ')}`,
        )
      }
    } finally {
      await load.closeAll()
      for (const server of servers) await server.stop()
    }
  }
  table(
    `Fan-out: ${opts.connections} connections, ${opts.deliveries.toLocaleString('en')} deliveries/s offered, 80-byte texts; per server ${opts.repeats} slices of ${opts.seconds} s, taking turns with the others. CPU per delivered message read from /proc; (×) is the median over the slices of the ratio to the raw uWS slice just before`,
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

/** The main thread's and the helpers' shares of the server's CPU over the slices (see cpuByThread). */
function threadShares(slices) {
  const total = {}
  for (const s of slices)
    for (const [name, seconds] of Object.entries(s.threads)) total[name] = (total[name] ?? 0) + seconds
  const all = Object.values(total).reduce((a, b) => a + b, 0) || 1
  return Object.entries(total)
    .filter(([, seconds]) => seconds / all >= 0.01)
    .sort((a, b) => b[1] - a[1])
    .map(([name, seconds]) => `${name} ${((seconds / all) * 100).toFixed(0)}%`)
    .join(', ')
}

async function connectRooms(load, server, size, opts) {
  const rooms = await server.createRooms(Math.ceil(opts.connections / size))
  const specs = Array.from({ length: opts.connections }, (_, i) => ({
    user: `u${i}`,
    room: rooms[Math.floor(i / size)],
    group: server.name,
  }))
  await load.connect(server.target, specs)
  if (server.listenerTarget)
    await load.connect(
      server.listenerTarget,
      rooms.map((room, i) => ({
        user: `listener${i}`,
        room,
        group: `${server.name} listeners`,
        quiet: true,
      })),
    )
}

/** One slice of load on `server`; the CPU of every process is read, so that what the shared
 * services spend while the raw floor has the load serves as their background. */
function slice(load, server, size, services, opts) {
  return loadSlice(load, {
    pids: { node: server.pid, ...services },
    group: server.name,
    sendsPerSec: opts.deliveries / size,
    opts,
    alongside() {
      const split0 = cpuSplit(server.pid)
      const threads0 = cpuByThread(server.pid)
      return () => {
        const split1 = cpuSplit(server.pid)
        const threads1 = cpuByThread(server.pid)
        const threads = Object.fromEntries(
          Object.entries(threads1).map(([name, seconds]) => [name, seconds - threads0[name]]),
        )
        return { system: split1.system - split0.system, threads }
      }
    },
  })
}

/** `services`: the shared processes this server uses (production only). */
function summarize(own, rawSlices, services) {
  const sum = (list, f) => list.reduce((n, x, i) => n + f(x, i), 0)
  const deliveries = sum(own, (s) => s.report.deliveries)
  const seconds = sum(own, (s) => s.report.seconds)
  const isRaw = own === rawSlices
  const perDelivery = (s, name) => (s.cpu[name] * 1e6) / Math.max(1, s.report.deliveries)
  // The services' own use while the floor had the load: others' work, not ours.
  const net = (i, name) =>
    isRaw || !(name in services) ? 0 : Math.max(0, own[i].cpu[name] - (rawSlices[i]?.cpu[name] ?? 0))
  const nodeUs = (sum(own, (s) => s.cpu.node) * 1e6) / Math.max(1, deliveries)
  const serviceUs = (name) => (isRaw ? 0 : (sum(own, (_, i) => net(i, name)) * 1e6) / Math.max(1, deliveries))
  const mysqldUs = serviceUs('mysqld')
  const redisUs = serviceUs('redis')
  const total = (s, i) =>
    perDelivery(s, 'node') + ((net(i, 'mysqld') + net(i, 'redis')) * 1e6) / Math.max(1, s.report.deliveries)
  const nodeRatios = own.map((s, i) => perDelivery(s, 'node') / perDelivery(rawSlices[i], 'node'))
  const totalRatios = own.map((s, i) => total(s, i) / perDelivery(rawSlices[i], 'node'))
  const delivery = own.reduce((h, s) => merge(h, s.report.histograms.delivery), newHistogram())
  return {
    deliveriesPerSec: deliveries / seconds,
    delivery: { p50: percentile(delivery, 50), p99: percentile(delivery, 99) },
    nodeUs,
    mysqldUs,
    redisUs,
    totalUs: nodeUs + mysqldUs + redisUs,
    nodeRatios,
    nodeRatio: median(nodeRatios),
    totalRatio: median(totalRatios),
    lost: sum(own, (s) => s.report.skipped + s.report.errors),
    offered: sum(own, (s) => s.report.sent + s.report.skipped),
    generatorCores: sum(own, (s) => s.report.generatorCpu) / seconds,
    threadShares: threadShares(own),
    systemShare:
      sum(own, (s) => s.system) /
      Math.max(
        1e-9,
        sum(own, (s) => s.cpu.node),
      ),
  }
}
