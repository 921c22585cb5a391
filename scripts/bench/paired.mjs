// Two Roomful production nodes under the same fan-out load, taking turns in slices like the
// fan-out benchmark; the second is started with a preload from `without/` that takes one part
// of the send path out. The ratio of their CPU per send is what that part costs, measured
// seconds apart beside the same node with it, which a shared machine's drift cannot fake.
import { startRoomful } from './targets.mjs'
import { loadSlice } from './slice.mjs'
import { median, sleep } from './util.mjs'

/**
 * `preload`: the file the second node imports first. `prepare(server)`: state to add to each
 * node before the load connects. Returns each node's median CPU per acked send and acked
 * sends/s, and the with/without ratio of CPU per send for each pair of slices.
 */
export async function pairedNodes(load, opts, { size, preload, prepare = async () => undefined }) {
  const servers = [
    await startRoomful('production', { nodeArgs: opts.nodeArgs }),
    await startRoomful('production', { nodeArgs: [...opts.nodeArgs, '--import', preload] }),
  ]
  const groups = ['with', 'without']
  const slices = servers.map(() => [])
  try {
    for (const [i, server] of servers.entries()) {
      await prepare(server)
      const rooms = await server.createRooms(Math.ceil(opts.connections / size))
      const specs = Array.from({ length: opts.connections }, (_, n) => ({
        user: `u${n}`,
        room: rooms[Math.floor(n / size)],
        group: groups[i],
      }))
      await load.connect(server.target, specs)
    }
    await sleep(1000)
    for (let rep = 0; rep < opts.repeats; rep++)
      for (const [i, server] of servers.entries())
        slices[i].push(await slice(load, server, groups[i], opts.deliveries / size, opts))
  } finally {
    await load.closeAll()
    for (const server of servers) await server.stop()
  }
  const perSend = slices.map((list) => list.map((s) => (s.cpu * 1e6) / Math.max(1, s.acks)))
  const ratios = perSend[0].map((cost, i) => cost / perSend[1][i])
  return {
    perSend: perSend.map(median),
    sendsPerSec: slices.map((list) => list.reduce((n, s) => n + s.acks, 0) / (opts.seconds * list.length)),
    ratios,
    ratio: median(ratios),
  }
}

async function slice(load, server, group, sendsPerSec, opts) {
  const { cpu, report } = await loadSlice(load, { pids: { node: server.pid }, group, sendsPerSec, opts })
  return { cpu: cpu.node, acks: report.acks }
}
