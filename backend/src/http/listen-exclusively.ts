import { createServer } from 'node:net'
import type { Server } from 'hyper-express'
import uWS from 'uWebSockets.js'

/** Start-up could not bind the public port; `code` is the system's reason when it is known. */
export class ListenError extends Error {
  constructor(
    host: string,
    port: number,
    reason: string,
    readonly code: string,
  ) {
    super(`unable to listen on ${host}:${port}; ${reason}`)
  }
}

// The binding exports it as a constant; its typings declare it only as an enum member.
const { LIBUS_LISTEN_EXCLUSIVE_PORT } = uWS as unknown as { LIBUS_LISTEN_EXCLUSIVE_PORT: number }

type ListenWithOptions = (
  host: string,
  port: number,
  options: number,
  cb: (socket: uWS.us_listen_socket | false) => void,
) => void

/**
 * Listens on `host:port` alone. uWS binds with SO_REUSEPORT unless told otherwise, so a second
 * Roomful started on a busy port would bind too and the kernel would split new connections
 * between the two: in embedded mode two separate worlds, each with half the users. Refusing the
 * port, as a Node server does, makes that a start-up error instead.
 *
 * hyper-express refuses its exclusive option together with a host, so this binds through the
 * uWS app it wraps (whose typings omit this overload), after compiling the routes as its own
 * `listen` does. Close with `server.close(socket)`.
 */
export function listenExclusively(server: Server, port: number, host: string): Promise<uWS.us_listen_socket> {
  ;(server as unknown as { _compile(): void })._compile()
  const listen = server.uws_instance.listen.bind(server.uws_instance) as unknown as ListenWithOptions
  return new Promise((resolve, reject) => {
    listen(host, port, LIBUS_LISTEN_EXCLUSIVE_PORT, (socket) => {
      if (socket) resolve(socket)
      else void whyNot(host, port).then(reject)
    })
  })
}

const REASONS: Record<string, string> = {
  EADDRINUSE: 'another process holds the port',
  EADDRNOTAVAIL: 'this machine has no such address',
  EACCES: 'not allowed to listen there (ports below 1024 need the right to)',
  ENOTFOUND: 'the host name does not resolve',
}

/**
 * uWS says only that it could not listen. The same bind through Node's `net` gives the reason
 * (a busy port, an address this machine does not have, a port below 1024 without the right).
 */
function whyNot(host: string, port: number): Promise<ListenError> {
  return new Promise((resolve) => {
    const probe = createServer()
    probe.once('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? 'ELISTEN'
      resolve(new ListenError(host, port, `${REASONS[code] ?? err.message} (${code})`, code))
    })
    probe.listen(port, host, () =>
      probe.close(() =>
        resolve(new ListenError(host, port, 'uWebSockets.js refused the address', 'ELISTEN')),
      ),
    )
  })
}
