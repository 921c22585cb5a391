import { timingSafeEqual, createHash } from 'node:crypto'
import type { Request, Response, Server } from 'hyper-express'
import type { Schema } from '@roomful/sdk/protocol'
import type { AppAdmin } from '../apps/app-admin.js'
import { RoomfulError, toWireError } from '../errors.js'
import type { Logger } from '../logger.js'
import { adminSchemas } from './admin-schemas.js'
import { sendWithoutBody } from './no-body.js'

type Result = { status?: number; body?: unknown }
type Handler = (req: Request, body: <T>(schema: Schema<T>) => Promise<T>) => Promise<Result>

// Hashing both sides first gives equal-length buffers, so the comparison takes the same time
// whatever the presented key's length.
const digest = (text: string) => createHash('sha256').update(text).digest()

/**
 * The admin REST API under `/v1/admin/apps`, for operators' servers only: a Bearer admin key,
 * no CORS (browsers cannot call it cross-origin), and absent entirely when no key is set.
 */
export function mountAdminRoutes(
  server: Server,
  admin: AppAdmin,
  adminKey: string | null,
  log: Logger,
): void {
  const expected = adminKey === null ? null : digest(adminKey)
  const route = (method: 'get' | 'post' | 'patch' | 'delete', path: string, handler: Handler) =>
    server[method](`/v1/admin${path}`, async (req: Request, res: Response) => {
      try {
        if (!expected) throw new RoomfulError('not_found', 'the admin API is disabled; set ADMIN_KEY')
        const [scheme, key] = (req.headers.authorization ?? '').split(' ')
        if (scheme?.toLowerCase() !== 'bearer' || !key)
          throw new RoomfulError(
            'unauthenticated',
            'unable to administer; send Authorization: Bearer <ADMIN_KEY>',
          )
        if (!timingSafeEqual(digest(key), expected))
          throw new RoomfulError('forbidden', 'unable to administer; the admin key is wrong')
        const result = await handler(req, async (schema) => {
          let raw: unknown
          try {
            raw = JSON.parse((await req.text()) || '{}')
          } catch {
            throw new RoomfulError('malformed_json', 'unable to read the body; it is not valid JSON')
          }
          const parsed = schema.parse(raw)
          if (!parsed.ok) throw new RoomfulError('bad_request', `unable to accept the body; ${parsed.issue}`)
          return parsed.value
        })
        res.status(result.status ?? 200)
        if (result.body === undefined) sendWithoutBody(res)
        else res.json(result.body)
      } catch (err) {
        if (!(err instanceof RoomfulError)) log.error({ err, path: req.path }, 'an admin request failed')
        if (!res.completed)
          res.status(err instanceof RoomfulError ? err.status : 500).json({ error: toWireError(err) })
      }
    })
  const id = (req: Request) => req.path_parameters.appId ?? ''

  route('post', '/apps', async (_req, body) => ({
    status: 201,
    body: await admin.create(await body(adminSchemas.createApp)),
  }))
  route('get', '/apps', async () => ({ body: { apps: await admin.list() } }))
  route('get', '/apps/:appId', async (req) => ({ body: await admin.get(id(req)) }))
  route('patch', '/apps/:appId', async (req, body) => ({
    body: await admin.update(id(req), await body(adminSchemas.updateApp)),
  }))
  route('post', '/apps/:appId/disable', async (req) => ({
    body: await admin.update(id(req), { disabled: true }),
  }))
  route('post', '/apps/:appId/enable', async (req) => ({
    body: await admin.update(id(req), { disabled: false }),
  }))
  route('post', '/apps/:appId/rotate-secret', async (req, body) => {
    const { keepOldForSeconds = 0 } = await body(adminSchemas.rotateSecret)
    return { body: await admin.rotateSecret(id(req), keepOldForSeconds * 1000) }
  })
  route('post', '/apps/:appId/keys', async (req, body) => ({
    status: 201,
    body: await admin.addKey(id(req), await body(adminSchemas.addKey)),
  }))
  route('delete', '/apps/:appId/keys/:kid', async (req) => ({
    body: await admin.removeKey(id(req), req.path_parameters.kid ?? ''),
  }))
  route('delete', '/apps/:appId', async (req) => {
    await admin.delete(id(req))
    return { status: 204 }
  })
}
