// Prints the min+gzip size of each browser bundle against its budget (SPEC §7); exits 1 when one
// is over. The SDK bundle must exist (run `npm run build` first); the widget's is checked if built.
import { existsSync, readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'

const bundles = [
  { name: 'sdk', file: 'sdk/dist/roomful.iife.min.js', budget: 8, required: true },
  { name: 'widget', file: 'widget/dist/roomful-widget.min.js', budget: 35, required: false },
]

let failed = false
for (const { name, file, budget, required } of bundles) {
  const path = new URL(`../${file}`, import.meta.url)
  if (!existsSync(path)) {
    if (required) {
      console.error(`${name}: ${file} is missing; run \`npm run build\` first`)
      failed = true
    }
    continue
  }
  const kb = gzipSync(readFileSync(path), { level: 9 }).length / 1024
  const over = kb > budget
  failed ||= over
  console.log(`${name} (min+gzip): ${kb.toFixed(2)} KB / budget ${budget} KB${over ? '  OVER BUDGET' : ''}`)
}
process.exit(failed ? 1 : 0)
