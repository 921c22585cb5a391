import type { Request } from 'hyper-express'
import { RoomfulError } from '../errors.js'
import type { AdminRoute } from '../http/admin-routes.js'
import { DELIVERY_STATUSES, type DeliveryStatus } from './delivery-store.js'
import type { WebhookAdmin } from './webhook-admin.js'
import { webhookSchemas } from './webhook-schemas.js'

const DEFAULT_PAGE = 50
const MAX_PAGE = 200

const app = (req: Request) => req.path_parameters.appId ?? ''
const endpoint = (req: Request) => req.path_parameters.endpointId ?? ''
const delivery = (req: Request) => req.path_parameters.deliveryId ?? ''

/** `?status=&limit=&before=` of the delivery list, refused with `bad_request` when malformed. */
function deliveryPage(req: Request): { status?: DeliveryStatus; limit: number; before?: string } {
  const { status, limit, before } = req.query_parameters
  if (status && !DELIVERY_STATUSES.includes(status as DeliveryStatus))
    throw new RoomfulError(
      'bad_request',
      `unable to list deliveries; status is one of ${DELIVERY_STATUSES.join(', ')}`,
    )
  const size = limit ? Number(limit) : DEFAULT_PAGE
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE)
    throw new RoomfulError(
      'bad_request',
      `unable to list deliveries; limit must be an integer in 1..${MAX_PAGE}`,
    )
  if (before && !/^msg_[0-9a-z]{1,60}$/.test(before))
    throw new RoomfulError('bad_request', 'unable to list deliveries; before must be a delivery id')
  return {
    status: (status || undefined) as DeliveryStatus | undefined,
    limit: size,
    before: before || undefined,
  }
}

/**
 * The webhook admin routes, mounted under `/v1/admin` behind ADMIN_KEY with the app routes
 * (see docs/rest-api.md). Kept together here so they move as one into any route table.
 */
export const webhookAdminRoutes = (admin: WebhookAdmin): AdminRoute[] => [
  {
    method: 'post',
    path: '/apps/:appId/webhooks/endpoints',
    handler: async (req, body) => ({
      status: 201,
      body: await admin.create(app(req), await body(webhookSchemas.createEndpoint)),
    }),
  },
  {
    method: 'get',
    path: '/apps/:appId/webhooks/endpoints',
    handler: async (req) => ({ body: { endpoints: await admin.list(app(req)) } }),
  },
  {
    method: 'get',
    path: '/apps/:appId/webhooks/endpoints/:endpointId',
    handler: async (req) => ({ body: await admin.get(app(req), endpoint(req)) }),
  },
  {
    method: 'patch',
    path: '/apps/:appId/webhooks/endpoints/:endpointId',
    handler: async (req, body) => ({
      body: await admin.update(app(req), endpoint(req), await body(webhookSchemas.updateEndpoint)),
    }),
  },
  {
    method: 'post',
    path: '/apps/:appId/webhooks/endpoints/:endpointId/rotate-secret',
    handler: async (req, body) => {
      const { keepOldForSeconds = 0 } = await body(webhookSchemas.rotateSecret)
      return { body: await admin.rotateSecret(app(req), endpoint(req), keepOldForSeconds * 1000) }
    },
  },
  {
    method: 'delete',
    path: '/apps/:appId/webhooks/endpoints/:endpointId',
    handler: async (req) => {
      await admin.delete(app(req), endpoint(req))
      return { status: 204 }
    },
  },
  {
    method: 'get',
    path: '/apps/:appId/webhooks/deliveries',
    handler: async (req) => ({ body: await admin.listDeliveries(app(req), deliveryPage(req)) }),
  },
  {
    method: 'get',
    path: '/apps/:appId/webhooks/deliveries/:deliveryId',
    handler: async (req) => ({ body: await admin.getDelivery(app(req), delivery(req)) }),
  },
  {
    method: 'post',
    path: '/apps/:appId/webhooks/deliveries/:deliveryId/redeliver',
    handler: async (req) => ({ status: 202, body: await admin.redeliver(app(req), delivery(req)) }),
  },
]
