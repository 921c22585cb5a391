import { readFileSync } from 'node:fs'
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export interface Spawned {
  child: ChildProcess
  /** Everything the process printed so far, for failure messages. */
  output(): string
  exited: Promise<void>
}

/** Starts `command` with its stdout and stderr collected. */
export function spawnCollecting(command: string, args: string[], env?: NodeJS.ProcessEnv): Spawned {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return { child, output: () => output, exited }
}

/**
 * Polls `ready` until it is true; fails (killing the process) if the process exits first or
 * `timeoutMs` passes. A `ready` that throws counts as not ready yet.
 */
export async function waitUntilReady(
  spawned: Spawned,
  what: string,
  ready: () => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const { exitCode } = spawned.child
    if (exitCode !== null) throw new Error(`${what} exited with ${exitCode}:\n${spawned.output()}`)
    if (await ready().catch(() => false)) return
    if (Date.now() > deadline) {
      spawned.child.kill('SIGKILL')
      throw new Error(`${what} not ready within ${timeoutMs / 1000} s:\n${spawned.output()}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** A process's resident set (VmRSS) in bytes, read from /proc. */
export function residentBytes(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
  if (!kb) throw new Error(`no VmRSS in /proc/${pid}/status`)
  return Number(kb) * 1024
}

/** NODE_OPTIONS for a backend child whose retained memory a test reads (see retainedBytes). */
export const GC_ON_SIGNAL = `--expose-gc --require ${fileURLToPath(new URL('./gc-on-signal.cjs', import.meta.url))}`

/**
 * What a child started with GC_ON_SIGNAL retains: a full collection first, then the lowest of a
 * few readings, so neither garbage awaiting a GC nor a passing spike moves the figure.
 */
export async function retainedBytes(pid: number): Promise<number> {
  process.kill(pid, 'SIGUSR2')
  let lowest = Infinity
  for (let i = 0; i < 4; i++) {
    await new Promise((resolve) => setTimeout(resolve, 200))
    lowest = Math.min(lowest, residentBytes(pid))
  }
  return lowest
}
