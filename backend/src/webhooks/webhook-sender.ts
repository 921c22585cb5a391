import http from 'node:http'
import https from 'node:https'
import { isIP } from 'node:net'
import { guardedLookup, hostOf, refusal, type UrlPolicy } from './url-policy.js'

/** What one POST got. */
export interface AttemptResult {
  /** A 2xx status: delivered. */
  ok: boolean
  /** The response status; null when there was none (refused, unreachable, timed out). */
  status: number | null
  /** Why it failed, for the delivery record; null on success. */
  error: string | null
  /** The receiver's `Retry-After`, in ms, when it sent one. */
  retryAfterMs: number | null
  /** 410 Gone: the receiver asks never to be sent anything again. */
  gone: boolean
}

/** How much of a failed response's body the delivery record keeps, for the operator. */
const SNIPPET_BYTES = 200

/**
 * POSTs webhook bodies: no redirects followed (a 3xx is a failure, as Standard Webhooks
 * advises), a deadline for the whole exchange, connections only where the URL policy allows
 * (checked on the resolved address the socket connects to), and keep-alive so a busy
 * endpoint does not pay a TLS handshake per delivery.
 */
export class WebhookSender {
  private readonly agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 32 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 32 }),
  }
  private readonly inFlight = new Set<(reason: string) => void>()
  private closed = false

  constructor(private readonly options: { timeoutMs: number; policy: UrlPolicy }) {}

  async post(target: string, headers: Record<string, string>, body: string): Promise<AttemptResult> {
    if (this.closed) return failure('this node is shutting down')
    const url = new URL(target)
    const { policy, timeoutMs } = this.options
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return failure('refused: not an http(s) URL')
    const host = hostOf(url)
    const refused = isIP(host) ? refusal([host], url.protocol, policy) : null
    if (refused) return failure(`refused: ${refused}`)
    if (url.protocol === 'http:' && !policy.allowLoopback) return failure('refused: use https')

    const controller = new AbortController()
    let abortReason: string | null = null
    const abort = (reason: string) => {
      abortReason ??= reason
      controller.abort()
    }
    const timer = setTimeout(() => abort(`no response within ${timeoutMs} ms`), timeoutMs)
    this.inFlight.add(abort)
    return new Promise<AttemptResult>((resolve) => {
      const request = (url.protocol === 'https:' ? https : http).request(url, {
        method: 'POST',
        agent: this.agents[url.protocol as 'http:' | 'https:'],
        lookup: guardedLookup(url.protocol, policy) as unknown as http.RequestOptions['lookup'],
        signal: controller.signal,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'Roomful-Webhooks/1',
        },
      })
      request.on('error', (err) => resolve(failure(abortReason ?? err.message)))
      request.on('response', (res) => {
        const status = res.statusCode ?? 0
        const retryAfterMs = parseRetryAfter(res.headers['retry-after'])
        if (status >= 200 && status < 300) {
          // Drained so the keep-alive socket can be reused; the deadline still bounds it.
          res.resume()
          return resolve({ ok: true, status, error: null, retryAfterMs, gone: false })
        }
        const chunks: Buffer[] = []
        let size = 0
        const finish = () => {
          const snippet = Buffer.concat(chunks).subarray(0, SNIPPET_BYTES).toString('utf8').trim()
          const redirect = status >= 300 && status < 400 ? ' (redirects are not followed)' : ''
          resolve({
            ok: false,
            status,
            error: `the endpoint answered ${status}${redirect}${snippet ? `: ${snippet}` : ''}`,
            retryAfterMs,
            gone: status === 410,
          })
          res.destroy()
        }
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk)
          size += chunk.length
          if (size >= SNIPPET_BYTES) finish()
        })
        res.on('end', finish)
        res.on('error', finish)
      })
      // The deadline covers the whole exchange, body included, even after a 2xx settled it.
      request.on('close', () => {
        clearTimeout(timer)
        this.inFlight.delete(abort)
      })
      request.end(body)
    })
  }

  /** Ends every attempt in flight (each fails as "shutting down" and is retried later, by this
   * node after a restart or by another) and refuses new ones. */
  close(): void {
    this.closed = true
    for (const abort of this.inFlight) abort('this node shut down during the attempt')
    this.agents['http:'].destroy()
    this.agents['https:'].destroy()
  }
}

const failure = (error: string): AttemptResult => ({
  ok: false,
  status: null,
  error,
  retryAfterMs: null,
  gone: false,
})

/** `Retry-After` as delay-seconds or an HTTP date, in ms from now; null when absent or unreadable. */
function parseRetryAfter(value: string | undefined): number | null {
  if (!value) return null
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now())
}
