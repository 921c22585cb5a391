// Moderation on the send path: two production nodes with the same fan-out load (rooms of 10),
// one with its moderation checks (bans and mutes, read-only, archive, slow mode: every send),
// one started with them patched out (without-moderation-checks.mjs), taking turns in slices
// like the fan-out benchmark. The checked app also holds moderation state the checks must look
// through: 1,000 sanctions of other users and rooms with settings. Sends cost the node CPU per
// message; what a node can send is the inverse, so the CPU ratio is the throughput drop.
import { cpuMeter } from './proc.mjs'
import { startRoomful } from './targets.mjs'
import { median, sleep, table, us } from './util.mjs'

const SIZE = 10
const SANCTIONS = 1_000
const ROOMS_WITH_SETTINGS = 50

export async function moderation(load, opts) {
  const preload = new URL('./without-moderation-checks.mjs', import.meta.url).pathname
  const servers = [
    await startRoomful('production', { nodeArgs: opts.nodeArgs }),
    await startRoomful('production', { nodeArgs: [...opts.nodeArgs, '--import', preload] }),
  ]
  const names = ['with moderation checks', 'without them']
  const slices = servers.map(() => [])
  try {
    for (const [i, server] of servers.entries()) {
      await addModerationState(server)
      const rooms = await server.createRooms(Math.ceil(opts.connections / SIZE))
      const specs = Array.from({ length: opts.connections }, (_, n) => ({
        user: `u${n}`,
        room: rooms[Math.floor(n / SIZE)],
        group: names[i],
      }))
      await load.connect(server.target, specs)
    }
    await sleep(1000)
    for (let rep = 0; rep < opts.repeats; rep++)
      for (const [i, server] of servers.entries()) slices[i].push(await slice(load, server, names[i], opts))
  } finally {
    await load.closeAll()
    for (const server of servers) await server.stop()
  }
  const perSend = slices.map((list) => list.map((s) => (s.cpu * 1e6) / Math.max(1, s.acks)))
  const sendsPerSec = slices.map(
    (list) => list.reduce((n, s) => n + s.acks, 0) / (opts.seconds * list.length),
  )
  const ratios = perSend[0].map((cost, i) => cost / perSend[1][i])
  const ratio = median(ratios)
  const rows = servers.map((_, i) => [
    names[i],
    sendsPerSec[i].toFixed(0),
    us(median(perSend[i])),
    (1e6 / median(perSend[i])).toFixed(0),
  ])
  table(
    `Moderation checks on the send path: production, ${opts.connections} connections in rooms of ${SIZE}, ${(opts.deliveries / SIZE).toFixed(0)} sends/s offered, ${opts.repeats} slices of ${opts.seconds} s each, taking turns; the checked app holds ${SANCTIONS} sanctions and ${ROOMS_WITH_SETTINGS} rooms with settings`,
    ['node', 'acked sends/s', 'node CPU per send', 'sends/s one core could ack'],
    rows,
  )
  console.log(
    `\nthroughput with the checks: ${((1 / ratio) * 100).toFixed(1)} % of without (a drop of ${((1 - 1 / ratio) * 100).toFixed(1)} %; slice ratios ${ratios.map((r) => r.toFixed(3)).join(' ')})`,
  )
  return { ratio, drop: 1 - 1 / ratio }
}

async function slice(load, server, group, opts) {
  const meter = cpuMeter({ node: server.pid })
  await load.run(opts.deliveries / SIZE, { group })
  await sleep(opts.warmup * 1000)
  await load.reset()
  meter.start()
  await sleep(opts.seconds * 1000)
  const cpu = meter.stop().node
  const report = await load.report()
  await load.stop()
  await sleep(500)
  return { cpu, acks: report.acks }
}

/** Sanctions of users who are not in the load, and rooms in slow mode or read-only that the
 * load does not send to: state the checks have to hold and look through. */
async function addModerationState(server) {
  const admin = (method, path, body) =>
    fetch(`${server.url}/v1/admin/apps/bench${path}`, {
      method,
      headers: { Authorization: `Bearer ${server.adminKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    }).then(async (res) => {
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
    })
  for (let i = 0; i < SANCTIONS; i++)
    await admin('POST', '/sanctions', {
      kind: i % 2 ? 'ban' : 'mute',
      userId: `sanctioned-${i}`,
      ...(i % 3 === 0 && { durationSeconds: 3600 }),
      reason: 'bench',
    })
  const rooms = await server.createRooms(ROOMS_WITH_SETTINGS)
  for (const [i, room] of rooms.entries())
    await admin('PATCH', `/rooms/${room}`, i % 2 ? { slowModeSeconds: 30 } : { readOnly: true })
}
