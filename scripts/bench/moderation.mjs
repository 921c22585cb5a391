// Moderation on the send path: two production nodes with the same fan-out load (rooms of 10),
// one with its moderation checks (bans and mutes, read-only, archive, slow mode: every send),
// one started with them patched out (without/moderation-checks.mjs), taking turns in slices
// like the fan-out benchmark. The checked app also holds moderation state the checks must look
// through: 1,000 sanctions of other users and rooms with settings. Sends cost the node CPU per
// message; what a node can send is the inverse, so the CPU ratio is the throughput drop.
import { pairedNodes } from './paired.mjs'
import { table, us } from './util.mjs'

const SIZE = 10
const SANCTIONS = 1_000
const ROOMS_WITH_SETTINGS = 50

export async function moderation(load, opts) {
  const { perSend, sendsPerSec, ratios, ratio } = await pairedNodes(load, opts, {
    size: SIZE,
    preload: new URL('./without/moderation-checks.mjs', import.meta.url).pathname,
    prepare: addModerationState,
  })
  const names = ['with moderation checks', 'without them']
  const rows = names.map((name, i) => [
    name,
    sendsPerSec[i].toFixed(0),
    us(perSend[i]),
    (1e6 / perSend[i]).toFixed(0),
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
