import { spawn, type ChildProcess } from 'node:child_process'

/** The sink's program: answers every POST after `delay` ms and counts distinct webhook-ids;
 * `GET /stats` reports them. */
const PROGRAM = `
import { createServer } from 'node:http'
const delay = Number(process.argv[1])
const ids = new Set()
let received = 0
const server = createServer((req, res) => {
  if (req.method === 'GET') return res.end(JSON.stringify({ received, distinct: ids.size }))
  received += 1
  ids.add(req.headers['webhook-id'])
  req.resume()
  req.on('end', () => setTimeout(() => res.writeHead(200).end(), delay))
})
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'))
`

/**
 * A webhook receiver in its own process, for load tests: the host site's server is not in
 * the process of the clients that send the messages, so it must not take their event loop.
 */
export class WebhookSink {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(delayMs = 0): Promise<WebhookSink> {
    const child = spawn(process.execPath, ['--input-type=module', '-e', PROGRAM, String(delayMs)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const port = await new Promise<string>((resolve, reject) => {
      child.stdout!.once('data', (chunk) => resolve(String(chunk).trim()))
      child.once('exit', (code) => reject(new Error(`the webhook sink exited with ${code}`)))
    })
    return new WebhookSink(child, `http://127.0.0.1:${port}/hooks`)
  }

  async stats(): Promise<{ received: number; distinct: number }> {
    return (await fetch(this.url)).json() as Promise<{ received: number; distinct: number }>
  }

  /** Waits until `count` distinct deliveries arrived. */
  async waitForDistinct(count: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while ((await this.stats()).distinct < count) {
      if (Date.now() > deadline)
        throw new Error(`the sink got ${(await this.stats()).distinct} of ${count} deliveries`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  stop(): Promise<void> {
    if (this.child.exitCode !== null) return Promise.resolve()
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve())
      this.child.kill('SIGKILL')
    })
  }
}
