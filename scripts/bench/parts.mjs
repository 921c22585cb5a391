// What each Redis and MySQL part of the send path costs the node: for each room size and part,
// two production nodes under the same load, the second with that part taken out by a preload
// from `without/` (see paired.mjs). Not part of the default run: it answers "where does a
// send's CPU go", not a budget. `npm run bench -- parts --sizes 10,100`.
import { pairedNodes } from './paired.mjs'
import { table, us } from './util.mjs'

const PARTS = [
  ['cross-node send limit (Redis)', 'send-limit.mjs'],
  ['bus publishes and their echo (Redis)', 'bus-publishes.mjs'],
  ['appends (MySQL round trip)', 'mysql-appends.mjs'],
]

export async function parts(load, opts) {
  const rows = []
  for (const size of opts.sizes)
    for (const [part, file] of PARTS) {
      const preload = new URL(`./without/${file}`, import.meta.url).pathname
      const { perSend, sendsPerSec, ratios, ratio } = await pairedNodes(load, opts, { size, preload })
      rows.push([
        `${size}`,
        part,
        sendsPerSec[0].toFixed(0),
        us(perSend[0]),
        us(perSend[1]),
        `${((1 - 1 / ratio) * 100).toFixed(1)} %`,
        ratios.map((r) => r.toFixed(2)).join(' '),
      ])
      console.error(`  parts rooms of ${size}, without ${part}: ${rows.at(-1).slice(2).join(' · ')}`)
    }
  table(
    `Parts of the send path: per room size and part, two production nodes with ${opts.connections} connections and ${opts.deliveries.toLocaleString('en')} deliveries/s offered, ${opts.repeats} slices of ${opts.seconds} s each, taking turns; the second node runs without the part. Node CPU per acked send`,
    ['rooms of', 'part taken out', 'sends/s', 'with it', 'without', 'its share', 'slice ratios'],
    rows,
  )
}
