import type { ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { spawnCollecting, waitUntilReady } from './processes.js'
import { TEST_AUTH_ENV } from './auth-env.js'

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

type StartOptions = { port?: number; demoPort?: number; env?: Record<string, string>; demo?: boolean }

/**
 * Runs the built backend (`node backend/dist/main.js`) as its own process, the way operators
 * do: needed wherever a test kills a node or runs several. `npm test` builds first.
 *
 * A free port is only free when probed: another test's server may bind it before this process
 * does, and the backend then refuses to start (it never shares a port). Ports picked here are
 * picked again in that case; ports a caller names are not.
 */
export async function startBackend(options: StartOptions = {}): Promise<BackendProcess> {
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort())
    const demoPort = options.demoPort ?? (await freePort())
    try {
      return await startOnce(options, port, demoPort)
    } catch (err) {
      const picked = options.port === undefined && options.demoPort === undefined
      if (!picked || attempt === 3 || !String(err).includes('"code":"EADDRINUSE"')) throw err
    }
  }
}

async function startOnce(options: StartOptions, port: number, demoPort: number): Promise<BackendProcess> {
  const args = ['--enable-source-maps', MAIN, ...(options.demo ? ['--demo'] : [])]
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    DEMO_PORT: String(demoPort),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ...TEST_AUTH_ENV,
    ...options.env,
  }
  // Production refuses to start without one of these; a test that cares passes its own.
  if (env.MYSQL_URL && !env.PUBLIC_URL && !env.TRUSTED_HOSTS) env.PUBLIC_URL = `http://127.0.0.1:${port}`
  const spawned = spawnCollecting(process.execPath, args, env)
  const { child, output, exited } = spawned
  const url = `http://127.0.0.1:${port}`
  await waitUntilReady(spawned, 'backend', async () => (await fetch(`${url}/readyz`)).status === 200)

  const handle: BackendProcess = {
    url,
    demoUrl: `http://localhost:${demoPort}`,
    port,
    demoPort,
    child,
    output,
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
