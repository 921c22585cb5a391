import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url))

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

export interface BackendProcess {
  url: string
  demoUrl: string
  port: number
  demoPort: number
  child: ChildProcess
  /** Everything the process printed, for failure messages. */
  output(): string
  /** SIGTERM and wait for exit (a graceful drain). */
  stop(): Promise<void>
  /** SIGKILL: a crash, with no chance to clean up. */
  kill(): Promise<void>
  /** Stops and starts again on the same ports with the same environment. */
  restart(): Promise<BackendProcess>
}

/**
 * Runs the built backend (`node backend/dist/main.js`) as its own process, the way operators
 * do: needed wherever a test kills a node or runs several. `npm test` builds first.
 */
export async function startBackend(
  options: { port?: number; demoPort?: number; env?: Record<string, string>; demo?: boolean } = {},
): Promise<BackendProcess> {
  const port = options.port ?? (await freePort())
  const demoPort = options.demoPort ?? (await freePort())
  const args = ['--enable-source-maps', MAIN, ...(options.demo ? ['--demo'] : [])]
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      PORT: String(port),
      DEMO_PORT: String(demoPort),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))

  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`backend exited with ${child.exitCode}:\n${output}`)
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`backend not ready within 30 s:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }

  const handle: BackendProcess = {
    url,
    demoUrl: `http://localhost:${demoPort}`,
    port,
    demoPort,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL')
      await exited
    },
    async restart() {
      await handle.stop()
      return startBackend({ ...options, port, demoPort })
    },
  }
  return handle
}
