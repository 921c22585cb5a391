// Formatting and small helpers shared by the benchmarks.
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
export const ms = (v) => (Number.isFinite(v) ? `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms` : '–')
export const us = (v) => (Number.isFinite(v) ? `${v.toFixed(1)} µs` : '–')
export const ratio = (v, base) => (Number.isFinite(v) && base > 0 ? `${(v / base).toFixed(2)}×` : '–')
export const kb = (bytes) => (Number.isFinite(bytes) ? `${(bytes / 1024).toFixed(2)} KB` : '–')

/** Prints a titled, column-aligned table to stdout. */
export function table(title, header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i] ?? '').length)))
  const line = (cells) =>
    cells
      .map((c, i) => String(c ?? '').padEnd(widths[i]))
      .join('  ')
      .trimEnd()
  console.log(`\n${title}\n`)
  console.log(line(header))
  console.log(line(widths.map((w) => '-'.repeat(w))))
  for (const row of rows) console.log(line(row))
}

export function median(values) {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b)
  if (sorted.length === 0) return NaN
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
