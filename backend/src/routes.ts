import { attachmentRoutes, type AttachmentRouteDeps } from './attachments/attachment-routes.js'
import { adminRoutes, type AdminRouteDeps } from './http/admin-routes.js'
import { healthRoutes, type HealthDeps } from './http/health-routes.js'
import { restApiRoutes, type RestApiDeps } from './http/rest-api.js'
import type { Route } from './http/route.js'

export type RouteDeps = RestApiDeps & AttachmentRouteDeps & AdminRouteDeps & HealthDeps

/**
 * Every HTTP route of the backend, described once: `createApp` mounts this table through the
 * HTTP layer (http/router.ts) and scripts/openapi.mjs writes docs/openapi.yaml from it.
 */
export const routes: readonly Route<RouteDeps>[] = [
  ...restApiRoutes,
  ...attachmentRoutes,
  ...adminRoutes,
  ...healthRoutes,
]
