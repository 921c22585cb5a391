import { DEFAULT_LIMITS, modelSchemas } from '@roomful/sdk/protocol'
import type { Request } from 'hyper-express'
import { RoomfulError } from '../errors.js'
import { bytesBody, idParam, roomIdParam } from '../http/request-parts.js'
import { appRoute, type AppRouteContext, type Route } from '../http/route.js'
import type { SanctionChecks } from '../moderation/sanction-checks.js'
import type { AttachmentsService } from './attachments-service.js'

export interface AttachmentRouteDeps {
  attachments: AttachmentsService
  checks: SanctionChecks
  publicUrl: string | null
  /** Without `publicUrl`, the Host values uploads may use (null: any, embedded mode only). */
  trustedHosts: string[] | null
}

const attachmentId = idParam('The attachment id.', 'not_found')
const image = {
  description: 'The image bytes.',
  contentType: 'image/*',
  schema: { type: 'string', format: 'binary' },
}
const noSuchAttachment = { not_found: 'no such attachment in this app' }

const serve =
  (variant: 'full' | 'thumbnail') =>
  async (
    { app, params, res }: AppRouteContext<'none', undefined, 'id', object>,
    deps: AttachmentRouteDeps,
  ) => {
    const file = await deps.attachments.read(app.id, params.id, variant)
    if (!file) throw new RoomfulError('not_found', 'unable to serve the attachment; no such attachment')
    res
      .status(200)
      .header('Content-Type', file.contentType)
      .header('X-Content-Type-Options', 'nosniff')
      .header('Content-Security-Policy', "default-src 'none'")
      .header('Cross-Origin-Resource-Policy', 'cross-origin')
      // Ids are never reused and the bytes never change; a pending thumbnail serves the full
      // image, so it must not be cached for long.
      .header('Cache-Control', file.final ? 'public, max-age=31536000, immutable' : 'public, max-age=60')
      .send(file.bytes)
  }

/**
 * Upload (Bearer, members only) and serving. Serving takes no token because `<img>` cannot
 * send one: the unguessable id is the capability, and the app in the path must match.
 */
export const attachmentRoutes: Route<AttachmentRouteDeps>[] = [
  appRoute({
    method: 'post',
    path: '/rooms/:roomId/attachments',
    operationId: 'uploadAttachment',
    tag: 'attachments',
    summary: 'Upload an image (png, jpeg, gif, webp) to send into this room',
    description:
      "The body is the raw image; its Content-Type is ignored: the type is sniffed from the bytes. The whole image is decoded (truncated or corrupt: 400) and re-encoded, which drops EXIF/GPS and other metadata. A refused file stores nothing. Send it with the WebSocket `send` op's `attachmentId`; a thumbnail is made by a background job.",
    access: 'user',
    params: { roomId: roomIdParam },
    body: bytesBody(
      (limits) => limits.maxAttachmentBytes,
      `the app's \`maxAttachmentBytes\` (default ${DEFAULT_LIMITS.maxAttachmentBytes} bytes)`,
    ),
    status: 201,
    response: { description: 'The stored, cleaned image.', schema: modelSchemas.Attachment },
    errors: {
      bad_request: 'the image is truncated or corrupt, or over 40 megapixels',
      room_not_found: 'no such room in this app',
      unsupported_media: 'not a png, jpeg, gif or webp image (SVG, HTML, …)',
      banned: 'you are banned from this room',
      muted: 'you are muted in this room or app-wide',
    },
    handle: async (
      { app, identity, params, body, req },
      { attachments, checks, publicUrl, trustedHosts },
    ) => {
      checks.assertMaySend(app.id, identity.id, params.roomId, 'upload')
      return attachments.upload({
        appId: app.id,
        roomId: params.roomId,
        uploaderId: identity.id,
        origin: publicUrl ?? requestOrigin(req, trustedHosts),
        body,
      })
    },
  }),
  appRoute({
    method: 'get',
    path: '/attachments/:id',
    operationId: 'getAttachment',
    tag: 'attachments',
    summary: 'The image; no token (for <img>): the unguessable id is the capability',
    description:
      "Headers: the sniffed Content-Type, `X-Content-Type-Options: nosniff`, `Content-Security-Policy: default-src 'none'`, `Cache-Control: public, max-age=31536000, immutable`.",
    access: 'none',
    params: { id: attachmentId },
    status: 200,
    response: image,
    errors: noSuchAttachment,
    handle: serve('full'),
  }),
  appRoute({
    method: 'get',
    path: '/attachments/:id/thumbnail',
    operationId: 'getAttachmentThumbnail',
    tag: 'attachments',
    summary: 'A WebP thumbnail (at most 320 px); the full image until it is made',
    description:
      'Until the background job has made the thumbnail, this serves the full image with `Cache-Control: public, max-age=60`; then the WebP with the immutable caching of the full image.',
    access: 'none',
    params: { id: attachmentId },
    status: 200,
    response: image,
    errors: noSuchAttachment,
    handle: serve('thumbnail'),
  }),
]

const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/

/**
 * Used only when PUBLIC_URL is unset (development, or production with TRUSTED_HOSTS; see
 * docs/self-hosting.md). The Host header is the client's, so it is held to a bare host[:port]:
 * nothing it says can add a path, query or credentials to the URLs other members' browsers will
 * load; with `trustedHosts` it must also be one of them, so it cannot point them elsewhere.
 */
function requestOrigin(req: Request, trustedHosts: string[] | null): string {
  const host = req.headers.host ?? ''
  if (!HOST.test(host))
    throw new RoomfulError('bad_request', 'unable to accept the upload; the Host header is not a host name')
  if (trustedHosts && !trustedHosts.includes(host.toLowerCase()))
    throw new RoomfulError(
      'bad_request',
      'unable to accept the upload; the Host header is not one of TRUSTED_HOSTS',
    )
  return `${req.protocol === 'https' ? 'https' : 'http'}://${host}`
}
