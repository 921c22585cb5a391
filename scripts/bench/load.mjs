// The load generator as the benchmarks see it: several forked worker processes driven over
// IPC, each holding a slice of the connections. Results come back as counters and latency
// histograms, merged here.
import { fork } from 'node:child_process'
import { count, merge, newHistogram, percentile } from './histogram.mjs'

const WORKER = new URL('./load-worker.mjs', import.meta.url)

export async function startLoad(workers) {
  const procs = Array.from({ length: workers }, () =>
    fork(WORKER, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  )
  let seq = 0
  const pending = new Map()
  for (const proc of procs) {
    proc.on('message', ({ seq: s, result, error }) => {
      const p = pending.get(s)
      pending.delete(s)
      if (error) p?.reject(new Error(`load worker: ${error}`))
      else p?.resolve(result)
    })
  }
  const call = (proc, cmd, args) =>
    new Promise((resolve, reject) => {
      const s = ++seq
      pending.set(s, { resolve, reject })
      proc.send({ seq: s, cmd, args })
    })
  const all = (cmd, args) => Promise.all(procs.map((p) => call(p, cmd, args)))

  return {
    /** Opens `specs` ({ user, room|null }) split over the workers; throws if any failed. */
    async connect(target, specs, { localAddresses = ['127.0.0.1'], concurrency = 64 } = {}) {
      const slices = procs.map((_, w) => specs.filter((_, i) => i % procs.length === w))
      const results = await Promise.all(
        procs.map((p, w) => call(p, 'connect', { target, specs: slices[w], localAddresses, concurrency })),
      )
      const failed = results.reduce((n, r) => n + r.failed, 0)
      if (failed > 0)
        throw new Error(
          `${failed} of ${specs.length} connections failed: ${results.find((r) => r.firstError)?.firstError}`,
        )
      return results.reduce((n, r) => n + r.connected, 0)
    },
    /** Open loop: `rate` requests/s in total (sends, or what `opts.kind` says). */
    run: (rate, opts = {}) => all('run', { ...opts, rate: rate / procs.length }),
    closedLoop: (args) => all('closedLoop', args),
    reset: () => all('reset'),
    stop: () => all('stop'),
    /** Counters and percentiles since the last reset, over every worker. */
    async report() {
      const parts = await all('report')
      const sum = (key) => parts.reduce((n, r) => n + r[key], 0)
      const ack = parts.reduce((h, r) => merge(h, r.ackLatency), newHistogram())
      const delivery = parts.reduce((h, r) => merge(h, r.deliveryLatency), newHistogram())
      const seconds = Math.max(...parts.map((r) => r.seconds))
      return {
        seconds,
        sent: sum('sent'),
        skipped: sum('skipped'),
        acks: sum('acks'),
        errors: sum('errors'),
        firstError: parts.find((r) => r.firstError)?.firstError ?? null,
        deliveries: sum('deliveries'),
        generatorCpu: sum('cpuSeconds'),
        histograms: { ack, delivery },
        ack: { n: count(ack), p50: percentile(ack, 50), p99: percentile(ack, 99) },
        delivery: { n: count(delivery), p50: percentile(delivery, 50), p99: percentile(delivery, 99) },
      }
    },
    closeAll: () => all('closeAll'),
    async close() {
      for (const p of procs) p.disconnect()
      await Promise.all(
        procs.map((p) => (p.exitCode === null ? new Promise((r) => p.once('exit', r)) : null)),
      )
    },
  }
}
