import { attachmentRoutes, type AttachmentRouteDeps } from './attachments/attachment-routes.js'
import { adminRoutes, type AdminRouteDeps } from './http/admin-routes.js'
import { adminModels } from './http/admin-schemas.js'
import { healthRoutes, type HealthDeps } from './http/health-routes.js'
import { restApiRoutes, type RestApiDeps } from './http/rest-api.js'
import { auditRoutes, type AuditRouteDeps } from './moderation/audit-routes.js'
import { auditModels } from './moderation/audit-view.js'
import { messageRoutes, type MessageRouteDeps } from './messages/message-routes.js'
import { moderationRoutes, type ModerationRouteDeps } from './moderation/moderation-routes.js'
import type { Route } from './http/route.js'
import { roomRoutes, type RoomRouteDeps } from './rooms/room-routes.js'
import { webhookRoutes, type WebhookRouteDeps } from './webhooks/webhook-routes.js'
import { webhookModels } from './webhooks/webhook-schemas.js'

export type RouteDeps = RestApiDeps &
  MessageRouteDeps &
  RoomRouteDeps &
  AttachmentRouteDeps &
  AdminRouteDeps &
  WebhookRouteDeps &
  ModerationRouteDeps &
  AuditRouteDeps &
  HealthDeps

/**
 * Every HTTP route of the backend, described once: `createApp` mounts this table through the
 * HTTP layer (http/router.ts) and scripts/openapi.mjs writes docs/openapi.yaml from it.
 */
export const routes: readonly Route<RouteDeps>[] = [
  ...restApiRoutes,
  ...messageRoutes,
  ...roomRoutes,
  ...attachmentRoutes,
  ...adminRoutes,
  ...webhookRoutes,
  ...moderationRoutes,
  ...auditRoutes,
  ...healthRoutes,
]

/** The named models the backend's routes answer with besides the protocol's, for the document. */
export const routeModels = { ...adminModels, ...webhookModels, ...auditModels }
