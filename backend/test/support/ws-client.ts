import WebSocket from 'ws'
import { SUBPROTOCOL, type ServerFrame, type WireError } from '@roomful/sdk/protocol'

type Reply = { result?: unknown; error?: WireError }

/**
 * A bare protocol client for tests: no SDK logic in the way, every frame recorded, so tests
 * see exactly what the server sent.
 */
export class WsTestClient {
  readonly frames: ServerFrame[] = []
  readonly closed: Promise<{ code: number; reason: string }>
  /** How the server closed the socket, once it has: what a failed wait reports. */
  private closedWith = ''
  private failedWith = ''
  private nextId = 0
  private waiters: Array<() => void> = []

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as ServerFrame)
      this.waiters.splice(0).forEach((wake) => wake())
    })
    // A socket that dies without a close frame (1006) says why only through 'error'.
    socket.on('error', (err) => (this.failedWith = err.message))
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => {
        this.closedWith = [code, String(reason), this.failedWith].filter(Boolean).join(' ')
        resolve({ code, reason: String(reason) })
        this.waiters.splice(0).forEach((wake) => wake())
      }),
    )
  }

  static connect(baseUrl: string, appId: string, options: { origin?: string; protocol?: string } = {}) {
    const url = `${baseUrl.replace(/^http/, 'ws')}/v1/ws?app=${encodeURIComponent(appId)}`
    const socket = new WebSocket(url, options.protocol ?? SUBPROTOCOL, {
      headers: options.origin ? { Origin: options.origin } : {},
    })
    const client = new WsTestClient(socket)
    return new Promise<WsTestClient>((resolve, reject) => {
      socket.once('open', () => resolve(client))
      socket.once('error', reject)
    })
  }

  /** Connects and authenticates with `token`; throws if the server refuses. */
  static async authed(baseUrl: string, appId: string, token: string, options: { origin?: string } = {}) {
    const client = await WsTestClient.connect(baseUrl, appId, options)
    const reply = await client.request('auth', { token })
    if (reply.error) throw new Error(`auth refused: ${reply.error.code}`)
    return client
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame))
  }

  async request<R = unknown>(op: string, fields: Record<string, unknown> = {}, timeoutMs = 10_000) {
    const id = `t${++this.nextId}`
    this.send({ op, id, ...fields })
    const frame = await this.waitFor((f) => f.type === 'reply' && f.id === id, timeoutMs)
    return frame as Reply & { result?: R }
  }

  /** Resolves with the first recorded frame matching `predicate` (already received or not). */
  async waitFor(predicate: (frame: ServerFrame) => boolean, timeoutMs = 10_000): Promise<ServerFrame> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = this.frames.find(predicate)
      if (found) return found
      if (this.socket.readyState === WebSocket.CLOSED)
        throw new Error(`socket closed (${this.closedWith}) while waiting for a frame`)
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no matching frame within ${timeoutMs} ms`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  /** Waits until `count` frames match, then returns them. */
  async waitForCount(predicate: (frame: ServerFrame) => boolean, count: number, timeoutMs = 10_000) {
    await this.waitFor(() => this.frames.filter(predicate).length >= count, timeoutMs).catch(() => undefined)
    const matching = this.frames.filter(predicate)
    if (matching.length < count) throw new Error(`expected ${count} matching frames, saw ${matching.length}`)
    return matching
  }

  messagesIn(room: string) {
    return this.frames.flatMap((f) => (f.type === 'message' && f.room === room ? [f.message] : []))
  }

  close(): Promise<{ code: number; reason: string }> {
    this.socket.close()
    return this.closed
  }

  terminate(): void {
    this.socket.terminate()
  }
}
