import { idSchema } from '@roomful/sdk/protocol'
import { RoomfulError } from '../errors.js'
import type { AppRoutes, RouteContext } from '../http/app-routes.js'
import type { AttachmentsService } from './attachments-service.js'

const idParam = (value: string | undefined, code: 'room_not_found' | 'not_found'): string => {
  const parsed = idSchema.parse(value)
  if (!parsed.ok) throw new RoomfulError(code)
  return parsed.value
}

/**
 * Upload (Bearer, members only) and serving. Serving takes no token because `<img>` cannot
 * send one: the unguessable id is the capability, and the app in the path must match.
 */
export function mountAttachmentRoutes(
  routes: AppRoutes,
  deps: { attachments: AttachmentsService; publicUrl: string | null },
): void {
  routes.route('post', '/rooms/:roomId/attachments', async (ctx) => {
    const identity = await ctx.identity()
    if (identity.guest) throw new RoomfulError('guest_read_only')
    const roomId = idParam(ctx.req.path_parameters.roomId, 'room_not_found')
    const body = await ctx.bytes(ctx.app.effectiveLimits.maxAttachmentBytes)
    const attachment = await deps.attachments.upload({
      appId: ctx.app.id,
      roomId,
      uploaderId: identity.id,
      origin: deps.publicUrl ?? requestOrigin(ctx),
      body,
    })
    return { status: 201, body: attachment }
  })

  const serve = (variant: 'full' | 'thumbnail') => async (ctx: RouteContext) => {
    const id = idParam(ctx.req.path_parameters.id, 'not_found')
    const file = await deps.attachments.read(ctx.app.id, id, variant)
    if (!file) throw new RoomfulError('not_found', 'unable to serve the attachment; no such attachment')
    ctx.res
      .status(200)
      .header('Content-Type', file.contentType)
      .header('X-Content-Type-Options', 'nosniff')
      .header('Content-Security-Policy', "default-src 'none'")
      .header('Cross-Origin-Resource-Policy', 'cross-origin')
      // Ids are never reused and the bytes never change; a pending thumbnail serves the full
      // image, so it must not be cached for long.
      .header('Cache-Control', file.final ? 'public, max-age=31536000, immutable' : 'public, max-age=60')
      .send(file.bytes)
    return {}
  }
  routes.route('get', '/attachments/:id', serve('full'))
  routes.route('get', '/attachments/:id/thumbnail', serve('thumbnail'))
}

const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/

/**
 * Used only when PUBLIC_URL is unset (development; production must set it, docs/self-hosting.md).
 * The Host header is the client's, so it is held to a bare host[:port]: nothing it says can add
 * a path, query or credentials to the URLs other members' browsers will load.
 */
function requestOrigin(ctx: RouteContext): string {
  const host = ctx.req.headers.host ?? ''
  if (!HOST.test(host))
    throw new RoomfulError('bad_request', 'unable to accept the upload; the Host header is not a host name')
  return `${ctx.req.protocol === 'https' ? 'https' : 'http'}://${host}`
}
