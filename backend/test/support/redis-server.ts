import { spawn, type ChildProcess } from 'node:child_process'
import { Socket } from 'node:net'
import { freePort } from './start-backend.js'

/**
 * A Redis server of the test's own, on a free port, without persistence: a test that stops or
 * restarts Redis must never touch the shared one other test runs use. `stop()` then `start()`
 * brings it back on the same port and empty, as a Redis restarted without persistence is.
 */
export interface PrivateRedis {
  readonly url: string
  readonly port: number
  /** Whether the server process is running. */
  readonly running: boolean
  /** Stops the server (SIGKILL: no goodbye to clients) and waits for it to exit. */
  stop(): Promise<void>
  /** Starts it again on the same port, empty; resolves once it answers PING. */
  start(): Promise<void>
  close(): Promise<void>
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort()
  let child: ChildProcess | null = null
  let exited: Promise<void> = Promise.resolve()

  const start = async () => {
    if (child) return
    const proc = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    )
    child = proc
    exited = new Promise((resolve) => proc.once('exit', () => resolve()))
    void exited.then(() => {
      if (child === proc) child = null
    })
    const deadline = Date.now() + 10_000
    while (!(await answersPing(port))) {
      if (child !== proc) throw new Error(`redis-server on port ${port} exited at start`)
      if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer within 10 s`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }
  const stop = async () => {
    child?.kill('SIGKILL')
    await exited
  }
  await start()
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get running() {
      return child !== null
    },
    stop,
    start,
    close: stop,
  }
}

/** Whether a Redis server answers PING on `port` (a raw RESP exchange, no client library). */
export function answersPing(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket()
    let reply = ''
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('error', () => done(false))
    socket.on('data', (chunk) => {
      reply += String(chunk)
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'))
    })
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'))
  })
}
