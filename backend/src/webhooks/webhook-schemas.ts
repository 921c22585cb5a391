import { s } from '@roomful/sdk/protocol'
import { arrayOf, oneOf } from '../http/admin-schemas.js'
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
