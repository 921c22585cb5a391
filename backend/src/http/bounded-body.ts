import { Writable } from 'node:stream'
import type { Request } from 'hyper-express'
import { RoomfulError } from '../errors.js'

/**
 * Reads a request body of at most `max` bytes, never holding more than that.
 *
 * HyperExpress's own `req.buffer()` allocates the whole declared Content-Length before a byte
 * arrives and only then lets the route look at the size, so a handful of large bodies would
 * cost their full size in memory even on routes that refuse them. Here a declared length over
 * `max` is refused before reading, and a body without one (chunked) is counted as it streams
 * and refused the moment it passes `max`. Refusing leaves the rest of the upload to HyperExpress,
 * which discards it before it sends the error.
 */
export function readBoundedBody(req: Request, max: number): Promise<Buffer> {
  const tooLarge = () =>
    new RoomfulError('payload_too_large', `unable to read the body; it is limited to ${max} bytes`)
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > max) return Promise.reject(tooLarge())
  // Without a positive length or chunked framing HyperExpress reads no body, and the stream
  // would never end.
  if (!(declared > 0) && req.headers['transfer-encoding'] !== 'chunked')
    return Promise.resolve(Buffer.alloc(0))
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let refused = false
    // Piped, because that is the stream API HyperExpress resumes the socket for; past `max`
    // the sink keeps accepting and dropping, so the socket drains without anything kept.
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        size += chunk.length
        if (refused) return done()
        if (size <= max) chunks.push(chunk)
        else {
          refused = true
          chunks.length = 0
          reject(tooLarge())
        }
        done()
      },
      final(done) {
        if (!refused) resolve(Buffer.concat(chunks, size))
        done()
      },
    })
    req.once('error', (err: unknown) => reject(err instanceof Error ? err : new Error(String(err))))
    req.pipe(sink)
  })
}
