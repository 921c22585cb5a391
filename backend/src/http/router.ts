import { createHash, timingSafeEqual } from 'node:crypto'
import type { Request, Response, Server } from 'hyper-express'
import { clip, DEFAULT_LIMITS, MAX_TOKEN_CHARS } from '@roomful/sdk/protocol'
import { AppService, type ResolvedApp } from '../apps/app-service.js'
import type { KeyCache } from '../auth/keys.js'
import { verifyUserToken, type VerifiedIdentity } from '../auth/tokens.js'
import { knownError, RoomfulError, toWireError } from '../errors.js'
import type { ClientAddress } from '../limits/client-address.js'
import type { Logger } from '../logger.js'
import { sendWithoutBody } from './no-body.js'
import { fullPath, Reply, type AnyRouteContext, type Route } from './route.js'

export interface RouterDeps {
  apps: AppService
  keys: KeyCache
  /** Null disables the admin API (its routes answer `not_found`). */
  adminKey: string | null
  /** Reads the client's address (TRUSTED_PROXIES decides when X-Forwarded-For counts). */
  clientAddress: ClientAddress
  log: Logger
  /** The identity as the app sees it now (refused when banned, a moderator when granted). */
  admit?(appId: string, identity: VerifiedIdentity): Promise<VerifiedIdentity>
}

// Hashing both sides first gives equal-length buffers, so the comparison takes the same time
// whatever the presented key's length.
const digest = (text: string) => createHash('sha256').update(text).digest()

/** The bearer token, or null without one. Longer than any token we issue or accept on the
 * WebSocket: refused before it is split, hashed or parsed. */
const bearer = (req: Request): string | null => {
  const header = req.headers.authorization ?? ''
  if (header.length > MAX_TOKEN_CHARS + 'Bearer '.length)
    throw new RoomfulError(
      'token_invalid',
      `unable to authorize; the token is longer than ${MAX_TOKEN_CHARS} characters`,
    )
  const [scheme, token] = header.split(' ')
  return scheme?.toLowerCase() === 'bearer' && token ? token : null
}

/**
 * The HTTP layer: mounts every route of the table, and runs before each handler what its
 * scope and access call for, in the documented order (app, origin, token, parameters, body),
 * then writes the result, or the error as `{ error: { code, message } }` with its status.
 * Also answers unknown routes and unexpected failures in that shape.
 */
export function mountRoutes<D>(
  server: Server,
  routes: readonly Route<D>[],
  services: D,
  deps: RouterDeps,
): void {
  const adminDigest = deps.adminKey === null ? null : digest(deps.adminKey)
  const preflighted = new Set<string>()

  const resolveApp = async (req: Request, res: Response): Promise<ResolvedApp> => {
    const app = await deps.apps.require(req.path_parameters.appId ?? '')
    if (!allowCors(req, res, app)) throw new RoomfulError('origin_not_allowed')
    return app
  }

  const checkAdminKey = (req: Request): void => {
    if (!adminDigest) throw new RoomfulError('not_found', 'the admin API is disabled; set ADMIN_KEY')
    const key = bearer(req)
    if (!key)
      throw new RoomfulError(
        'unauthenticated',
        'unable to administer; send Authorization: Bearer <ADMIN_KEY>',
      )
    if (!timingSafeEqual(digest(key), adminDigest))
      throw new RoomfulError('forbidden', 'unable to administer; the admin key is wrong')
  }

  const identify = async (
    route: Route<D>,
    req: Request,
    app: ResolvedApp,
  ): Promise<VerifiedIdentity | null> => {
    if (route.access === 'none') return null
    if (route.access === 'guest-readable' && !req.headers.authorization && app.allowGuests)
      return { id: 'guest', name: 'Guest', avatar: null, guest: true, expiresAt: Infinity }
    const token = bearer(req)
    if (!token)
      throw new RoomfulError('unauthenticated', 'unable to authorize; send Authorization: Bearer <token>')
    const identity = await verifyUserToken(app, token, deps.keys)
    if (route.access === 'user' && identity.guest) throw new RoomfulError('guest_read_only')
    return deps.admit ? deps.admit(app.id, identity) : identity
  }

  const handle = async (route: Route<D>, req: Request, res: Response): Promise<void> => {
    // Read first: uWS frees the peer address once the request ends. Not `req.ip`, which
    // believes any X-Forwarded-For.
    const clientAddress = deps.clientAddress.resolve(
      Buffer.from(res.raw.getRemoteAddressAsText()).toString(),
      req.headers['x-forwarded-for'],
    )
    try {
      let app: ResolvedApp | null = null
      let identity: VerifiedIdentity | null = null
      if (route.scope === 'admin') checkAdminKey(req)
      if (route.scope === 'app') {
        app = await resolveApp(req, res)
        identity = await identify(route, req, app)
      }
      const limits = app?.effectiveLimits ?? DEFAULT_LIMITS
      const params: Record<string, string> = {}
      for (const [name, param] of Object.entries(route.params ?? {})) {
        const parsed = param.schema.parse(req.path_parameters[name])
        if (!parsed.ok) throw new RoomfulError(param.invalid)
        params[name] = parsed.value
      }
      const query: Record<string, unknown> = {}
      for (const [name, param] of Object.entries(route.query ?? {}))
        query[name] = param.read(req.query_parameters[name], limits)
      const body = route.body ? await route.body.read(req, limits) : undefined
      const ctx: AnyRouteContext = { req, res, app, identity, params, query, body, clientAddress }
      const result = await route.handle(ctx, services)
      if (res.completed) return
      const reply = result instanceof Reply ? result : new Reply(route.status, result)
      res.status(reply.status)
      if (reply.body === undefined) sendWithoutBody(res)
      else res.json(reply.body)
    } catch (err) {
      const error = knownError(err)
      if (!error) deps.log.error({ err, path: clip(req.path) }, 'a REST request failed unexpectedly')
      if (!res.completed) {
        for (const [name, value] of Object.entries(error?.headers ?? {})) res.header(name, value)
        res.status(error?.status ?? 500).json({ error: toWireError(err) })
      }
    }
  }

  const preflight = async (req: Request, res: Response): Promise<void> => {
    const app = await deps.apps.find(req.path_parameters.appId ?? '').catch(() => null)
    if (!app || !allowCors(req, res, app)) return void res.status(403).send()
    res
      .header('Access-Control-Allow-Methods', 'GET, POST, PATCH, DELETE, OPTIONS')
      .header('Access-Control-Allow-Headers', 'Authorization, Content-Type')
      .header('Access-Control-Max-Age', '600')
      .status(204)
    sendWithoutBody(res)
  }

  for (const route of routes) {
    const pattern = fullPath(route)
    server[route.method](pattern, (req: Request, res: Response) => void handle(route, req, res))
    if (route.scope === 'app' && !preflighted.has(pattern)) {
      preflighted.add(pattern)
      server.options(pattern, (req, res) => void preflight(req, res))
    }
  }

  server.set_not_found_handler(
    (_req, res) => void res.status(404).json({ error: { code: 'not_found', message: 'no such route' } }),
  )
  server.set_error_handler((_req, res, err) => {
    deps.log.error({ err }, 'unhandled error in a route')
    if (!res.completed)
      res.status(500).json({ error: { code: 'internal', message: 'unexpected server error' } })
  })
}

function allowCors(req: Request, res: Response, app: ResolvedApp): boolean {
  const origin = req.headers.origin
  res.header('Vary', 'Origin')
  if (!AppService.originAllowed(app, origin)) return false
  if (origin) res.header('Access-Control-Allow-Origin', origin)
  return true
}
