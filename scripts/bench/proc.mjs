// What the kernel says about a process: CPU time and resident memory from /proc, so the bench
// measures what a server spent rather than how long the (shared, noisy) machine took.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs'

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on every Linux we run on). */
const TICKS = 100

/** User and system CPU seconds of every thread of `pid` so far. */
export function cpuSplit(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name (which may hold spaces) start at the state, field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return { user: Number(fields[11]) / TICKS, system: Number(fields[12]) / TICKS }
}

/**
 * User + system CPU seconds of `pid` so far: its main thread (`main`) and all others together
 * (`helpers`: in Node 20, which names no thread, V8's GC and compiler helpers and the libuv
 * pool). Threads that have exited are left out, so use it for shares, not totals.
 */
export function cpuByThread(pid) {
  const split = { main: 0, helpers: 0 }
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat = ''
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
    } catch {
      continue // the thread exited meanwhile
    }
    const name = tid === String(pid) ? 'main' : 'helpers'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    split[name] += (Number(fields[11]) + Number(fields[12])) / TICKS
  }
  return split
}

/** User + system CPU seconds of every thread of `pid` so far. */
export function cpuSeconds(pid) {
  const { user, system } = cpuSplit(pid)
  return user + system
}

/** Resident set size of `pid`, in bytes. */
export function rssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) * 1024
}

/** The pid of the process listening on TCP `port` (IPv4 or IPv6), or null. Needs to see other
 * processes' fds: run as the services' user or root. */
export function pidListeningOn(port) {
  const hex = port.toString(16).toUpperCase().padStart(4, '0')
  const inodes = new Set()
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = ''
    try {
      text = readFileSync(table, 'utf8')
    } catch {
      continue
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/)
      if (cols[1]?.endsWith(`:${hex}`) && cols[3] === '0A') inodes.add(cols[9])
    }
  }
  if (inodes.size === 0) return null
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let fds = []
    try {
      fds = readdirSync(`/proc/${pid}/fd`)
    } catch {
      continue
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))
        if (m && inodes.has(m[1])) return Number(pid)
      } catch {
        // the fd closed meanwhile
      }
    }
  }
  return null
}

/** CPU meters for named pids: `start()` then `stop()` gives each one's CPU seconds between. */
export function cpuMeter(pids) {
  const read = () => Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, safeCpu(pid)]))
  let before = read()
  return {
    start() {
      before = read()
    },
    stop() {
      const after = read()
      return Object.fromEntries(Object.keys(pids).map((name) => [name, after[name] - before[name]]))
    },
  }
}

const safeCpu = (pid) => {
  if (pid === null || pid === undefined) return NaN
  try {
    return cpuSeconds(pid)
  } catch {
    return NaN
  }
}
