import type { Server } from 'hyper-express'
import uWS from 'uWebSockets.js'

/** Start-up could not bind the public port. */
export class ListenError extends Error {
  readonly code = 'EADDRINUSE'
  constructor(host: string, port: number) {
    // uWS reports no errno: a busy port is by far the likelier cause, but not the only one.
    super(
      `unable to listen on ${host}:${port}; another process holds the port, or ${host} is not an address of this machine`,
    )
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
      else reject(new ListenError(host, port))
    })
  })
}
