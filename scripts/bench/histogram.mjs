// Latency histogram that load workers fill and the orchestrator merges: 10 µs buckets up to
// 100 ms, then 1 ms buckets up to 10 s. Fixed size, so merging is an addition and recording
// allocates nothing.
const FINE = 10_000 // 10 µs × 10,000 = 100 ms
const COARSE = 9_900 // 1 ms × 9,900 = up to 10 s
export const BUCKETS = FINE + COARSE + 1

export function newHistogram() {
  return new Uint32Array(BUCKETS)
}

/** Records one latency in milliseconds. */
export function record(h, ms) {
  const i = ms < 100 ? Math.max(0, Math.floor(ms * 100)) : FINE + Math.min(COARSE, Math.floor(ms - 100))
  h[i]++
}

export function merge(into, h) {
  for (let i = 0; i < BUCKETS; i++) into[i] += h[i]
  return into
}

export function count(h) {
  let n = 0
  for (let i = 0; i < BUCKETS; i++) n += h[i]
  return n
}

/** The `p`th percentile in ms (upper edge of its bucket), NaN when empty. */
export function percentile(h, p) {
  const total = count(h)
  if (total === 0) return NaN
  const rank = Math.ceil((p / 100) * total)
  let seen = 0
  for (let i = 0; i < BUCKETS; i++) {
    seen += h[i]
    if (seen >= rank) return i < FINE ? (i + 1) / 100 : 100 + (i - FINE + 1)
  }
  return NaN
}
