import { s, type ModelSchema } from '@roomful/sdk/protocol'
import { arrayOf, oneOf } from '../http/admin-schemas.js'
import { DELIVERY_STATUSES } from './delivery-store.js'
import type { DeliveryView, EndpointView } from './webhook-admin.js'
import { WEBHOOK_EVENT_TYPES } from './webhooks.js'

const url = s.string({ min: 1, max: 2048 })
const events = arrayOf(oneOf(WEBHOOK_EVENT_TYPES), WEBHOOK_EVENT_TYPES.length)

/** Bodies of the webhook admin routes (`/v1/admin/apps/{appId}/webhooks/…`); see docs/rest-api.md. */
export const webhookSchemas = {
  createEndpoint: s.object({ url, events, enabled: s.optional(s.boolean()) }),
  updateEndpoint: s.object({
    url: s.optional(url),
    events: s.optional(events),
    enabled: s.optional(s.boolean()),
  }),
  rotateSecret: s.object({
    /** How long the old secret keeps signing too; 0 replaces it at once. */
    keepOldForSeconds: s.optional(s.integer({ min: 0, max: 30 * 86_400 })),
  }),
}

const time = { type: 'string', format: 'date-time' }
const maybeTime = { type: ['string', 'null'], format: 'date-time' }
const eventType = { enum: [...WEBHOOK_EVENT_TYPES] }

const endpointView = {
  type: 'object',
  required: ['id', 'appId', 'url', 'events', 'enabled', 'previousSecretExpiresAt', 'createdAt'],
  properties: {
    id: { type: 'string' },
    appId: { type: 'string' },
    url: { type: 'string' },
    events: { type: 'array', items: eventType, description: 'The event types POSTed to it.' },
    enabled: { type: 'boolean', description: 'A disabled endpoint receives nothing.' },
    previousSecretExpiresAt: {
      ...maybeTime,
      description: 'After a rotation with a grace period: until when the previous secret signs too.',
    },
    createdAt: time,
  },
} satisfies ModelSchema<EndpointView>

/** What the webhook admin routes answer with, by the name the document gives them. */
export const webhookModels = {
  WebhookEndpoint: {
    ...endpointView,
    description: 'A webhook endpoint as admins see it: never its secrets.',
  },
  WebhookEndpointWithSecret: {
    ...endpointView,
    description: 'The endpoint with its secret: shown only when it is created or its secret rotated.',
    required: [...endpointView.required, 'secret'],
    properties: {
      ...endpointView.properties,
      secret: {
        type: 'string',
        description: '`whsec_<base64>`: the key the receiver verifies `webhook-signature` with.',
      },
    },
  } satisfies ModelSchema<EndpointView & { secret: string }>,
  WebhookDelivery: {
    type: 'object',
    description: 'One event on its way to one endpoint, and what happened to it so far.',
    required: [
      'id',
      'endpointId',
      'eventType',
      'status',
      'attempts',
      'lastStatus',
      'lastError',
      'createdAt',
      'lastAttemptAt',
      'nextAttemptAt',
      'deliveredAt',
    ],
    properties: {
      id: { type: 'string', description: 'The `webhook-id` header of every attempt (`msg_…`).' },
      endpointId: { type: 'string' },
      eventType,
      status: {
        enum: [...DELIVERY_STATUSES],
        description: '`dead`: attempts are over; only a redelivery sends it again.',
      },
      attempts: { type: 'integer', description: 'Since it was created or last redelivered.' },
      lastStatus: {
        type: ['integer', 'null'],
        description: 'HTTP status of the last attempt; null when it got no response.',
      },
      lastError: { type: ['string', 'null'], description: 'Why the last attempt failed.' },
      createdAt: time,
      lastAttemptAt: maybeTime,
      nextAttemptAt: maybeTime,
      deliveredAt: maybeTime,
      payload: {
        description: 'The body as sent, on a single delivery that is not delivered yet.',
      },
    },
  } satisfies ModelSchema<DeliveryView>,
}
