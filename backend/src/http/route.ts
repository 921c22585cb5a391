import type { Request, Response } from 'hyper-express'
import type { ErrorCode, JsonSchema } from '@roomful/sdk/protocol'
import type { ResolvedApp } from '../apps/app-service.js'
import type { VerifiedIdentity } from '../auth/tokens.js'
import type { BodySpec, PathParam, QueryParam } from './request-parts.js'

export type Method = 'get' | 'post' | 'patch' | 'delete'

/**
 * Who may call a route:
 * - `none`: anyone (under `/v1/apps` still only from the app's allowed origins);
 * - `guest-readable`: a user token, or no token at all where the app allows guests;
 * - `user`: a user token; guests are refused;
 * - `admin-key`: the operator's `ADMIN_KEY`.
 */
export type Access = 'none' | 'guest-readable' | 'user' | 'admin-key'
type AppAccess = Exclude<Access, 'admin-key'>

/**
 * Where a route lives, which decides what runs before its handler:
 * - `app`: under `/v1/apps/:appId`: the app is resolved, its origins enforced (CORS, with a
 *   preflight), then the token checked as `access` says;
 * - `admin`: under `/v1/admin`, for operators' servers: the admin key, no CORS;
 * - `public`: health checks, neither app nor token.
 */
export type Scope = 'app' | 'admin' | 'public'

export const SCOPE_BASE: Record<Scope, string> = { app: '/v1/apps/:appId', admin: '/v1/admin', public: '' }

/** One response besides the errors, for the document. */
export interface ResponseSpec {
  description: string
  schema?: JsonSchema
  /** Default `application/json`. */
  contentType?: string
}

/** A handler's answer with another status than the route's `status` (e.g. 503 from /readyz). */
export class Reply {
  constructor(
    readonly status: number,
    readonly body?: unknown,
  ) {}
}

export interface RouteContext<B, P extends string, Q> {
  req: Request
  /** For routes that answer with something other than JSON (image bytes): sending on it ends
   * the request, and what the handler returns is then ignored. */
  res: Response
  body: B
  params: Record<P, string>
  query: Q
  /** The client's address: the socket's peer, or what a trusted proxy forwarded. */
  clientAddress: string
}

export interface AppRouteContext<A extends AppAccess, B, P extends string, Q> extends RouteContext<B, P, Q> {
  app: ResolvedApp
  /** Who called: null on `none` routes; a guest only on `guest-readable` ones. */
  identity: A extends 'none' ? null : VerifiedIdentity
}

/** What the table says of a route, besides its handler. */
interface RouteDescription<B, P extends string, Q> {
  method: Method
  /** Below the scope's base, in the router's syntax (`/rooms/:roomId`). */
  path: string
  operationId: string
  tag: string
  summary: string
  description?: string
  /** The success status; a handler's `Reply` may answer another. */
  status: number
  response: ResponseSpec
  /** Non-error answers other than `status` (e.g. 503 from /readyz). */
  otherResponses?: Record<number, ResponseSpec>
  /** Codes this route answers besides those its scope, access, parameters and body imply,
   * each with when. */
  errors?: Partial<Record<ErrorCode, string>>
  params?: Record<P, PathParam>
  query?: { [K in keyof Q]: QueryParam<Q[K]> }
  body?: BodySpec<B>
}

/** The context every route's handler gets from the router, before it is narrowed per scope. */
export interface AnyRouteContext extends RouteContext<unknown, string, Record<string, unknown>> {
  app: ResolvedApp | null
  identity: VerifiedIdentity | null
}

/** One row of the route table: mounted by `mountRoutes`, documented by scripts/openapi.mjs. */
export interface Route<D> extends RouteDescription<unknown, string, Record<string, unknown>> {
  scope: Scope
  access: Access
  /** Returns the body to send with `status` (undefined: none), or a `Reply`. */
  handle(ctx: AnyRouteContext, deps: D): Promise<unknown>
}

type Handler<C, D> = { handle(ctx: C, deps: D): Promise<unknown> }

// The router builds each context as its route's scope and access promise, which is what lets
// these three narrow `AnyRouteContext` for the handlers.

export function appRoute<D, A extends AppAccess, B = undefined, P extends string = never, Q = object>(
  spec: RouteDescription<B, P, Q> & { access: A } & Handler<AppRouteContext<A, B, P, Q>, D>,
): Route<D> {
  return { ...(spec as unknown as Route<D>), scope: 'app' }
}

export function adminRoute<D, B = undefined, P extends string = never, Q = object>(
  spec: RouteDescription<B, P, Q> & Handler<RouteContext<B, P, Q>, D>,
): Route<D> {
  return { ...(spec as unknown as Route<D>), scope: 'admin', access: 'admin-key' }
}

export function publicRoute<D>(
  spec: RouteDescription<undefined, never, object> & Handler<RouteContext<undefined, never, object>, D>,
): Route<D> {
  return { ...(spec as unknown as Route<D>), scope: 'public', access: 'none' }
}

/** The path a route is mounted at. */
export const fullPath = (route: Pick<Route<unknown>, 'scope' | 'path'>): string =>
  SCOPE_BASE[route.scope] + route.path
