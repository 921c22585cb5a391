// Reads a `.cpuprofile` (node --cpu-prof; `npm run bench -- --profile` writes them) and prints
// where the time went: self time by function, and by package (uWS, mysql2, ioredis, Roomful
// modules …), so before/after comparisons need no browser.
//
//   node scripts/bench/profile-summary.mjs FILE.cpuprofile [--top 40]
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '35' } },
})
const profile = JSON.parse(readFileSync(positionals[0], 'utf8'))
const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const self = new Map()
const dt = profile.timeDeltas
for (let i = 0; i < profile.samples.length; i++)
  self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (dt[i] ?? 0))
const total = [...self.values()].reduce((a, b) => a + b, 0)

const where = (url) => {
  if (!url) return '(native/VM)'
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (m) return m[1]
  const b = /backend\/dist\/(.+?)\.js/.exec(url)
  if (b) return `roomful ${b[1]}`
  const s = /sdk\/dist\/(.+?)\.js/.exec(url)
  if (s) return `sdk ${s[1]}`
  return url.startsWith('node:') ? 'node core' : url
}
const fnTotals = new Map()
const pkgTotals = new Map()
for (const [id, us] of self) {
  const { callFrame: f } = byId.get(id)
  const fn = `${f.functionName || '(anonymous)'} ${where(f.url)}:${f.lineNumber + 1}`
  fnTotals.set(fn, (fnTotals.get(fn) ?? 0) + us)
  const pkg = f.url ? where(f.url) : f.functionName.startsWith('(') ? f.functionName : '(native/VM)'
  pkgTotals.set(pkg, (pkgTotals.get(pkg) ?? 0) + us)
}
const print = (title, map, n) => {
  console.log(`\n${title}`)
  for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n))
    console.log(
      `${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`,
    )
}
console.log(`${positionals[0]}: ${(total / 1e6).toFixed(1)} s sampled`)
print('By package or module (self time)', pkgTotals, 25)
print('By function (self time)', fnTotals, Number(values.top))
