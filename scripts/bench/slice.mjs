// One slice of load on one server, the way every benchmark that takes turns measures it: the
// load runs through a warm-up, then the CPU of `pids` is read over `opts.seconds`, then the load
// stops and its last deliveries land before the next server's slice begins.
import { cpuMeter } from './proc.mjs'
import { sleep } from './util.mjs'

/**
 * `pids`: the processes whose CPU is read (name → pid). `alongside()`, when given, takes its own
 * readings as the measured window opens and returns a function that gives their differences as
 * it closes; those are merged into the result beside `cpu` (per name) and the load's `report`.
 */
export async function loadSlice(load, { pids, group, sendsPerSec, opts, alongside = () => () => ({}) }) {
  const meter = cpuMeter(pids)
  await load.run(sendsPerSec, { group })
  await sleep(opts.warmup * 1000)
  await load.reset()
  meter.start()
  const close = alongside()
  await sleep(opts.seconds * 1000)
  const cpu = meter.stop()
  const extra = close()
  const report = await load.report()
  await load.stop()
  await sleep(500)
  return { cpu, report, ...extra }
}
