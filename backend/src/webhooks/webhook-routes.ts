import { idParam, idQuery, intQuery, jsonBody, oneOfQuery } from '../http/request-parts.js'
import { adminRoute, type Route } from '../http/route.js'
import { DELIVERY_STATUSES } from './delivery-store.js'
import type { WebhookAdmin } from './webhook-admin.js'
import { webhookModels as models, webhookSchemas } from './webhook-schemas.js'

export interface WebhookRouteDeps {
  webhookAdmin: WebhookAdmin
}

const appId = idParam('The app id.', 'app_not_found')
const endpointId = idParam('The webhook endpoint id.', 'not_found')
const deliveryId = idParam('The delivery id (its `webhook-id`).', 'not_found')
const noSuchApp = { app_not_found: 'no such app' }
const noSuchEndpoint = { ...noSuchApp, not_found: 'the app has no webhook endpoint of this id' }
const noSuchDelivery = { ...noSuchApp, not_found: 'the app has no webhook delivery of this id' }
const unsafeUrl = {
  bad_request:
    'the URL is not https to a public address (loopback only with WEBHOOK_ALLOW_LOOPBACK), or an event type is unknown',
}
const endpoint = (description: string) => ({ description, schema: models.WebhookEndpoint })
const withSecret = (description: string) => ({ description, schema: models.WebhookEndpointWithSecret })
const tag = 'webhooks'
const base = '/apps/:appId/webhooks'

/**
 * The webhook admin API under `/v1/admin`, beside the app admin routes and like them behind
 * the admin key: endpoints, the delivery log (the dead letters among it) and redelivery, the
 * same operations as the admin CLI's webhook commands, through `WebhookAdmin`.
 */
export const webhookRoutes: Route<WebhookRouteDeps>[] = [
  adminRoute({
    method: 'post',
    path: `${base}/endpoints`,
    operationId: 'adminCreateWebhookEndpoint',
    tag,
    summary: 'Register a webhook endpoint; the answer holds its secret, shown this once',
    description: 'An app has at most 20 endpoints. Repeated event types are folded.',
    params: { appId },
    body: jsonBody(webhookSchemas.createEndpoint),
    status: 201,
    response: withSecret('The new endpoint, with its secret.'),
    errors: { ...noSuchApp, bad_request: `${unsafeUrl.bad_request}, or the app has 20 endpoints` },
    handle: async ({ params, body }, { webhookAdmin }) => webhookAdmin.create(params.appId, body),
  }),
  adminRoute({
    method: 'get',
    path: `${base}/endpoints`,
    operationId: 'adminListWebhookEndpoints',
    tag,
    summary: "The app's webhook endpoints, oldest first",
    params: { appId },
    status: 200,
    response: {
      description: 'The endpoints, without their secrets.',
      schema: {
        type: 'object',
        required: ['endpoints'],
        properties: { endpoints: { type: 'array', items: models.WebhookEndpoint } },
      },
    },
    errors: noSuchApp,
    handle: async ({ params }, { webhookAdmin }) => ({ endpoints: await webhookAdmin.list(params.appId) }),
  }),
  adminRoute({
    method: 'get',
    path: `${base}/endpoints/:endpointId`,
    operationId: 'adminGetWebhookEndpoint',
    tag,
    summary: 'One webhook endpoint',
    params: { appId, endpointId },
    status: 200,
    response: endpoint('The endpoint.'),
    errors: noSuchEndpoint,
    handle: async ({ params }, { webhookAdmin }) => webhookAdmin.get(params.appId, params.endpointId),
  }),
  adminRoute({
    method: 'patch',
    path: `${base}/endpoints/:endpointId`,
    operationId: 'adminUpdateWebhookEndpoint',
    tag,
    summary: 'Change a webhook endpoint: URL, events (the list is replaced), enabled',
    description: 'Applies on this node at once; other nodes within their 5 s endpoint cache.',
    params: { appId, endpointId },
    body: jsonBody(webhookSchemas.updateEndpoint),
    status: 200,
    response: endpoint('The changed endpoint.'),
    errors: { ...noSuchEndpoint, ...unsafeUrl },
    handle: async ({ params, body }, { webhookAdmin }) =>
      webhookAdmin.update(params.appId, params.endpointId, body),
  }),
  adminRoute({
    method: 'post',
    path: `${base}/endpoints/:endpointId/rotate-secret`,
    operationId: 'adminRotateWebhookSecret',
    tag,
    summary: 'Give a webhook endpoint a new secret; the old one may keep signing too for a while',
    description:
      'While the old secret is kept, `webhook-signature` carries two signatures. The body may be left out: the old secret then stops signing at once.',
    params: { appId, endpointId },
    body: jsonBody(webhookSchemas.rotateSecret),
    status: 200,
    response: withSecret('The endpoint, with its new secret.'),
    errors: noSuchEndpoint,
    handle: async ({ params, body }, { webhookAdmin }) =>
      webhookAdmin.rotateSecret(params.appId, params.endpointId, (body.keepOldForSeconds ?? 0) * 1000),
  }),
  adminRoute({
    method: 'delete',
    path: `${base}/endpoints/:endpointId`,
    operationId: 'adminDeleteWebhookEndpoint',
    tag,
    summary: 'Delete a webhook endpoint; its deliveries not yet made end dead',
    params: { appId, endpointId },
    status: 204,
    response: { description: 'Deleted.' },
    errors: noSuchEndpoint,
    handle: async ({ params }, { webhookAdmin }) =>
      void (await webhookAdmin.delete(params.appId, params.endpointId)),
  }),
  adminRoute({
    method: 'get',
    path: `${base}/deliveries`,
    operationId: 'adminListWebhookDeliveries',
    tag,
    summary: "The app's webhook deliveries, newest first; `status=dead` lists the dead letters",
    params: { appId },
    query: {
      status: oneOfQuery('status', DELIVERY_STATUSES, 'Only deliveries in this state.'),
      limit: intQuery('limit', { description: 'Page size.', min: 1, max: 200, fallback: 50 }),
      before: idQuery(
        'A `nextCursor`: the page of deliveries older than that one.',
        'unable to list deliveries; before must be a delivery id',
      ),
    },
    status: 200,
    response: {
      description: 'A page of deliveries, without their bodies.',
      schema: {
        type: 'object',
        required: ['deliveries', 'nextCursor'],
        properties: {
          deliveries: { type: 'array', items: models.WebhookDelivery },
          nextCursor: {
            type: ['string', 'null'],
            description: 'Pass as `before` for the next page; null when there is none.',
          },
        },
      },
    },
    errors: noSuchApp,
    handle: async ({ params, query }, { webhookAdmin }) => webhookAdmin.listDeliveries(params.appId, query),
  }),
  adminRoute({
    method: 'get',
    path: `${base}/deliveries/:deliveryId`,
    operationId: 'adminGetWebhookDelivery',
    tag,
    summary: 'One webhook delivery, with the body it sends while it is not delivered',
    params: { appId, deliveryId },
    status: 200,
    response: { description: 'The delivery.', schema: models.WebhookDelivery },
    errors: noSuchDelivery,
    handle: async ({ params }, { webhookAdmin }) => webhookAdmin.getDelivery(params.appId, params.deliveryId),
  }),
  adminRoute({
    method: 'post',
    path: `${base}/deliveries/:deliveryId/redeliver`,
    operationId: 'adminRedeliverWebhook',
    tag,
    summary: 'Send a dead delivery again: same `webhook-id` and body, a fresh set of attempts',
    params: { appId, deliveryId },
    status: 202,
    response: {
      description: 'Queued again: `pending`, `attempts` 0.',
      schema: models.WebhookDelivery,
    },
    errors: {
      ...noSuchDelivery,
      bad_request: 'the delivery is not dead, or its endpoint is deleted or disabled',
    },
    handle: async ({ params }, { webhookAdmin }) => webhookAdmin.redeliver(params.appId, params.deliveryId),
  }),
]
