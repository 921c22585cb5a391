import type { Request, Response, Server } from 'hyper-express'
import type { Schema } from '@roomful/sdk/protocol'
import { AppService, type ResolvedApp } from '../apps/app-service.js'
import { verifyUserToken, type VerifiedIdentity } from '../auth/tokens.js'
import { RoomfulError, toWireError } from '../errors.js'
import type { Logger } from '../logger.js'
import { sendWithoutBody } from './no-body.js'

export interface RouteContext {
  req: Request
  /** For routes that answer with something other than JSON (e.g. image bytes); sending on it
   * ends the request, and the returned result is then ignored. */
  res: Response
  app: ResolvedApp
  /** The bearer token's identity; rejects with `unauthenticated`/`token_*` when absent or bad. */
  identity(): Promise<VerifiedIdentity>
  /** For read routes: the token's identity, or a guest when no token is sent and the app allows
   * guests (a token that is sent must be valid either way). */
  reader(): Promise<VerifiedIdentity>
  /** The JSON body validated by `schema`; `malformed_json` or `bad_request` otherwise. */
  body<T>(schema: Schema<T>): Promise<T>
  /** The raw body, refused with `payload_too_large` when longer than `max` bytes. */
  bytes(max: number): Promise<Buffer>
  /** An integer query parameter within bounds, or `fallback` when absent. */
  intQuery(name: string, fallback: number | undefined, min: number, max: number): number | undefined
}

const MAX_JSON_BYTES = 64 * 1024

export type RouteResult = { status?: number; body?: unknown }
type Method = 'get' | 'post'

/**
 * Routes under `/v1/apps/:appId`: resolves the app, enforces its allowed origins (CORS, with
 * preflight), and maps every error to `{ error: { code, message } }` with its status.
 */
export class AppRoutes {
  private readonly preflighted = new Set<string>()

  constructor(
    private readonly server: Server,
    private readonly apps: AppService,
    private readonly log: Logger,
  ) {}

  route(method: Method, path: string, handler: (ctx: RouteContext) => Promise<RouteResult>): void {
    const pattern = `/v1/apps/:appId${path}`
    this.server[method](pattern, (req, res) => void this.handle(req, res, handler))
    if (!this.preflighted.has(pattern)) {
      this.preflighted.add(pattern)
      this.server.options(pattern, (req, res) => void this.preflight(req, res))
    }
  }

  private async preflight(req: Request, res: Response): Promise<void> {
    const app = await this.apps.find(req.path_parameters.appId ?? '').catch(() => null)
    if (!app || !this.allowCors(req, res, app)) return void res.status(403).send()
    res
      .header('Access-Control-Allow-Methods', 'GET, POST, OPTIONS')
      .header('Access-Control-Allow-Headers', 'Authorization, Content-Type')
      .header('Access-Control-Max-Age', '600')
      .status(204)
    sendWithoutBody(res)
  }

  private allowCors(req: Request, res: Response, app: ResolvedApp): boolean {
    const origin = req.headers.origin
    res.header('Vary', 'Origin')
    if (!AppService.originAllowed(app, origin)) return false
    if (origin) res.header('Access-Control-Allow-Origin', origin)
    return true
  }

  private async handle(req: Request, res: Response, handler: (ctx: RouteContext) => Promise<RouteResult>) {
    try {
      const app = await this.apps.require(req.path_parameters.appId ?? '')
      if (!this.allowCors(req, res, app)) throw new RoomfulError('origin_not_allowed')
      const result = await handler(context(req, res, app))
      if (res.completed) return
      res.status(result.status ?? 200)
      if (result.body === undefined) sendWithoutBody(res)
      else res.json(result.body)
    } catch (err) {
      if (!(err instanceof RoomfulError))
        this.log.error({ err, path: req.path }, 'a REST request failed unexpectedly')
      const error = toWireError(err)
      if (!res.completed) res.status(err instanceof RoomfulError ? err.status : 500).json({ error })
    }
  }
}

function context(req: Request, res: Response, app: ResolvedApp): RouteContext {
  return {
    req,
    res,
    app,
    async identity() {
      const header = req.headers.authorization ?? ''
      const [scheme, token] = header.split(' ')
      if (scheme?.toLowerCase() !== 'bearer' || !token)
        throw new RoomfulError('unauthenticated', 'unable to authorize; send Authorization: Bearer <token>')
      return verifyUserToken(app, token)
    },
    async reader() {
      if (!req.headers.authorization && app.allowGuests)
        return { id: 'guest', name: 'Guest', avatar: null, guest: true, expiresAt: Infinity }
      return this.identity()
    },
    async body(schema) {
      const text = await req.text()
      if (Buffer.byteLength(text) > MAX_JSON_BYTES)
        throw new RoomfulError(
          'payload_too_large',
          `unable to read the body; JSON bodies are limited to ${MAX_JSON_BYTES} bytes`,
        )
      let raw: unknown
      try {
        raw = JSON.parse(text)
      } catch {
        throw new RoomfulError('malformed_json', 'unable to read the body; it is not valid JSON')
      }
      const parsed = schema.parse(raw)
      if (!parsed.ok) throw new RoomfulError('bad_request', `unable to accept the body; ${parsed.issue}`)
      return parsed.value
    },
    async bytes(max) {
      const tooLarge = () =>
        new RoomfulError('payload_too_large', `unable to read the body; it is limited to ${max} bytes`)
      // Refused before reading when the client says so up front; checked again after, since a
      // chunked body has no length.
      if (Number(req.headers['content-length'] ?? 0) > max) throw tooLarge()
      const buffer = await req.buffer()
      if (buffer.length > max) throw tooLarge()
      return buffer
    },
    intQuery(name, fallback, min, max) {
      const raw = req.query_parameters[name]
      if (raw === undefined || raw === '') return fallback
      const value = Number(raw)
      if (!Number.isInteger(value) || value < min || value > max)
        throw new RoomfulError(
          'bad_request',
          `unable to accept ${name}; it must be an integer in ${min}..${max}`,
        )
      return value
    },
  }
}
