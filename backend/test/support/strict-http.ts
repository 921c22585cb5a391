import { connect } from 'node:net'

/** One HTTP/1.1 response exactly as it came off the wire. */
export interface WireResponse {
  status: number
  /** Header fields in order, names lower-cased. */
  headers: Array<[string, string]>
  body: Buffer
  /** The response's own bytes: status line, header block and body. */
  raw: string
}

/**
 * Writes `request` (raw bytes, any number of pipelined requests, the last one with
 * `Connection: close`) to 127.0.0.1:port and returns everything the server sent until it
 * closed. With `headOnly`, returns the bytes up to the end of the first header block and hangs
 * up (for a 101 Switching Protocols, after which the connection is no longer HTTP).
 */
export function exchange(
  port: number,
  request: string,
  options: { headOnly?: boolean } = {},
): Promise<Buffer> {
  const timeoutMs = 10_000
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request))
    let received = Buffer.alloc(0)
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)))
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk])
      const end = options.headOnly ? received.indexOf('\r\n\r\n') : -1
      if (end < 0) return
      socket.destroy()
      resolve(received.subarray(0, end + 4))
    })
    socket.once('error', reject)
    socket.once('close', () => resolve(received))
  })
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/**
 * Parses responses the way a strict client or proxy must (RFC 9110, RFC 9112) and throws on
 * anything it would reject: a malformed status or header line, a Content-Length that is not a
 * plain decimal within range or that disagrees with itself, Content-Length together with
 * Transfer-Encoding, and any length or body on a 1xx, 204 or 304 (or a HEAD answer).
 * `methods` gives each response's request method, in order.
 */
export function parseResponses(bytes: Buffer, methods: string[]): WireResponse[] {
  const responses: WireResponse[] = []
  let offset = 0
  for (const method of methods) {
    const end = bytes.indexOf('\r\n\r\n', offset)
    if (end < 0)
      throw new Error(
        `response ${responses.length + 1}: no complete header block in ${JSON.stringify(bytes.subarray(offset).toString('latin1'))}`,
      )
    const [statusLine, ...lines] = bytes.subarray(offset, end).toString('latin1').split('\r\n')
    const match = /^HTTP\/1\.1 ([1-5]\d\d) [^\r\n]*$/.exec(statusLine ?? '')
    if (!match) throw new Error(`bad status line ${JSON.stringify(statusLine)}`)
    const status = Number(match[1])
    const headers: Array<[string, string]> = lines.map((line) => {
      const colon = line.indexOf(':')
      const name = line.slice(0, colon)
      if (colon <= 0 || !TOKEN.test(name)) throw new Error(`bad header line ${JSON.stringify(line)}`)
      return [name.toLowerCase(), line.slice(colon + 1).trim()]
    })
    const values = (name: string) => headers.filter(([n]) => n === name).map(([, v]) => v)
    const lengths = values('content-length')
    const encodings = values('transfer-encoding')
    const bodiless = status < 200 || status === 204 || status === 304 || method === 'HEAD'
    if ((status < 200 || status === 204) && (lengths.length > 0 || encodings.length > 0))
      throw new Error(
        `${status} must carry neither Content-Length nor Transfer-Encoding: ${lengths} ${encodings}`,
      )
    if (lengths.length > 0 && encodings.length > 0)
      throw new Error('Content-Length together with Transfer-Encoding')
    if (new Set(lengths).size > 1) throw new Error(`conflicting Content-Length values ${lengths.join(', ')}`)
    const length = lengths[0] === undefined ? undefined : Number(lengths[0])
    if (lengths[0] !== undefined && (!/^\d{1,15}$/.test(lengths[0]) || !Number.isSafeInteger(length)))
      throw new Error(`Content-Length ${lengths[0]} is not a usable length`)

    let bodyStart = end + 4
    let body: Buffer
    if (bodiless) body = Buffer.alloc(0)
    else if (encodings.length > 0) {
      if (encodings.at(-1)?.toLowerCase() !== 'chunked') throw new Error(`unsupported encoding ${encodings}`)
      const chunks: Buffer[] = []
      for (;;) {
        const lineEnd = bytes.indexOf('\r\n', bodyStart)
        const size = parseInt(bytes.subarray(bodyStart, lineEnd).toString('latin1'), 16)
        if (lineEnd < 0 || !Number.isInteger(size)) throw new Error('bad chunk size line')
        bodyStart = lineEnd + 2
        if (size === 0) {
          const trailerEnd = bytes.indexOf('\r\n', bodyStart)
          bodyStart = trailerEnd + 2
          break
        }
        chunks.push(bytes.subarray(bodyStart, bodyStart + size))
        bodyStart += size + 2
      }
      body = Buffer.concat(chunks)
    } else if (length !== undefined) {
      if (bytes.length < bodyStart + length) throw new Error(`body shorter than Content-Length ${length}`)
      body = bytes.subarray(bodyStart, bodyStart + length)
      bodyStart += length
    } else body = bytes.subarray(bodyStart) // delimited by the close
    const next = bodiless || length !== undefined || encodings.length > 0 ? bodyStart : bytes.length
    responses.push({ status, headers, body, raw: bytes.subarray(offset, next).toString('latin1') })
    offset = next
  }
  if (offset !== bytes.length)
    throw new Error(`${bytes.length - offset} unexpected bytes after the last response`)
  return responses
}

/** The value of a header (the last one if repeated). */
export const header = (response: WireResponse, name: string) =>
  response.headers.filter(([n]) => n === name).at(-1)?.[1]
