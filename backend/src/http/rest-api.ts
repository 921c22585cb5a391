import { bodySchemas, DEFAULT_HISTORY_PAGE, idSchema } from '@roomful/sdk/protocol'
import type { AuthService } from '../auth/auth-service.js'
import { RoomfulError } from '../errors.js'
import type { MessagesService } from '../messages/messages-service.js'
import type { RankingService } from '../ranking/ranking-service.js'
import type { RoomsService } from '../rooms/rooms-service.js'
import type { AppRoutes } from './app-routes.js'

const roomIdParam = (value: string | undefined): string => {
  const parsed = idSchema.parse(value)
  if (!parsed.ok) throw new RoomfulError('room_not_found')
  return parsed.value
}

/** The REST surface; see docs/rest-api.md. Thin: validate, call a service, return. */
export function mountRestApi(
  routes: AppRoutes,
  deps: { auth: AuthService; rooms: RoomsService; messages: MessagesService; ranking: RankingService },
): void {
  routes.route('post', '/auth/signup', async (ctx) => ({
    status: 201,
    body: await deps.auth.signup(ctx.app, await ctx.body(bodySchemas.signup)),
  }))
  routes.route('post', '/auth/login', async (ctx) => ({
    body: await deps.auth.login(ctx.app, await ctx.body(bodySchemas.login)),
  }))
  routes.route('post', '/auth/refresh', async (ctx) => ({
    body: await deps.auth.refresh(ctx.app, (await ctx.body(bodySchemas.refresh)).refreshToken),
  }))
  routes.route('post', '/auth/logout', async (ctx) => {
    await deps.auth.logout(ctx.app, (await ctx.body(bodySchemas.refresh)).refreshToken)
    return { status: 204 }
  })

  routes.route('get', '/me', async (ctx) => {
    const { expiresAt: _, ...identity } = await ctx.identity()
    return { body: identity }
  })

  routes.route('get', '/rooms', async (ctx) => {
    await ctx.reader()
    const limit = ctx.intQuery('limit', 20, 1, ctx.app.effectiveLimits.maxPageSize)!
    const cursor = ctx.req.query_parameters.cursor
    if (cursor !== undefined && !idSchema.parse(cursor).ok)
      throw new RoomfulError('bad_request', 'unable to page; bad cursor')
    return { body: await deps.rooms.list(ctx.app.id, { limit, cursor: cursor || undefined }) }
  })
  routes.route('post', '/rooms', async (ctx) => {
    const identity = await ctx.identity()
    if (identity.guest) throw new RoomfulError('guest_read_only')
    const input = await ctx.body(bodySchemas.createRoom)
    return { status: 201, body: await deps.rooms.create(ctx.app.id, identity.id, input) }
  })
  routes.route('get', '/rooms/:roomId', async (ctx) => {
    await ctx.reader()
    return { body: await deps.rooms.get(ctx.app.id, roomIdParam(ctx.req.path_parameters.roomId)) }
  })
  routes.route('get', '/rooms/:roomId/messages', async (ctx) => {
    await ctx.reader()
    const roomId = roomIdParam(ctx.req.path_parameters.roomId)
    await deps.rooms.require(ctx.app.id, roomId)
    const limit = ctx.intQuery('limit', DEFAULT_HISTORY_PAGE, 1, ctx.app.effectiveLimits.maxPageSize)!
    const before = ctx.intQuery('before', undefined, 1, Number.MAX_SAFE_INTEGER)
    return { body: await deps.messages.historyPage(ctx.app.id, roomId, { before, limit }) }
  })

  routes.route('get', '/ranking', async (ctx) => {
    await ctx.reader()
    return { body: await deps.ranking.current(ctx.app.id) }
  })
}
