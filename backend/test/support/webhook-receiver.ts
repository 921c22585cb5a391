import { createServer, type IncomingMessage, type Server } from 'node:http'

export interface ReceivedWebhook {
  headers: Record<string, string>
  /** The raw body, exactly as sent (signatures are over these bytes). */
  body: string
  at: number
}

/** How the receiver answers its `n`th request (from 1). */
export type Answer = { status: number; delayMs?: number; body?: string }

/**
 * A host site's webhook endpoint on loopback: records every request and answers as told, so a
 * test can make it fail, stall or disappear.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = []
  private constructor(
    private readonly server: Server,
    public answer: (n: number, request: ReceivedWebhook) => Answer,
  ) {}

  get port(): number {
    return (this.server.address() as { port: number }).port
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/roomful`
  }

  static start(
    answer: (n: number, request: ReceivedWebhook) => Answer = () => ({ status: 204 }),
    port = 0,
  ): Promise<WebhookReceiver> {
    const server = createServer((req, res) => {
      void readBody(req).then((body) => {
        const request = { headers: flatten(req.headers), body, at: Date.now() }
        receiver.received.push(request)
        const { status, delayMs = 0, body: reply = '' } = receiver.answer(receiver.received.length, request)
        const timer = setTimeout(
          () => res.writeHead(status, { 'content-type': 'text/plain' }).end(reply),
          delayMs,
        )
        res.on('close', () => clearTimeout(timer))
      })
    })
    const receiver = new WebhookReceiver(server, answer)
    return new Promise((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => resolve(receiver))
    })
  }

  /** Waits until at least `count` requests arrived. */
  async waitFor(count: number, timeoutMs = 15_000): Promise<ReceivedWebhook[]> {
    const deadline = Date.now() + timeoutMs
    while (this.received.length < count) {
      if (Date.now() > deadline)
        throw new Error(
          `the receiver got ${this.received.length} of ${count} requests within ${timeoutMs} ms`,
        )
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    return this.received
  }

  /** Stops listening and cuts every open connection (a receiver going down). */
  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve())
      this.server.closeAllConnections()
    })
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
  })
}

function flatten(headers: IncomingMessage['headers']): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.join(', ') : (value ?? ''),
    ]),
  )
}
