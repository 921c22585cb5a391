import type { AppAdmin } from '../apps/app-admin.js'
import { RoomfulError } from '../errors.js'
import { idParam, idQuery, intQuery } from '../http/request-parts.js'
import { adminRoute, appRoute, type Route } from '../http/route.js'
import type { AuditLog } from './audit-log.js'
import { auditModels, auditPage } from './audit-view.js'

export interface AuditRouteDeps {
  audit: Pick<AuditLog, 'list'>
  admin: Pick<AppAdmin, 'get'>
}

const query = {
  limit: intQuery('limit', { description: 'Page size.', min: 1, max: 200, fallback: 50 }),
  before: idQuery(
    'A `nextCursor`: the page of entries older than that one.',
    'unable to list the audit log; before must be an entry id',
  ),
}
const response = {
  description: 'A page of the audit log, newest first.',
  schema: {
    type: 'object',
    required: ['entries', 'nextCursor'],
    properties: {
      entries: { type: 'array', items: auditModels.AuditEntry },
      nextCursor: {
        type: ['string', 'null'],
        description: 'Pass as `before` for the next page; null when there is none.',
      },
    },
  },
}

/** The audit log of an app, for its moderators and for the operator. */
export const auditRoutes: Route<AuditRouteDeps>[] = [
  appRoute({
    method: 'get',
    path: '/moderation/audit',
    operationId: 'listAuditLog',
    tag: 'moderation',
    summary: "The app's moderation actions, newest first (moderators only)",
    access: 'user',
    query,
    status: 200,
    response,
    errors: { forbidden: 'the token is not a moderator’s' },
    handle: async ({ app, identity, query }, { audit }) => {
      if (identity.moderator !== true)
        throw new RoomfulError('forbidden', 'unable to read the audit log; only moderators may')
      return auditPage(await audit.list(app.id, query), query.limit)
    },
  }),
  adminRoute({
    method: 'get',
    path: '/apps/:appId/audit',
    operationId: 'adminListAuditLog',
    tag: 'admin',
    summary: "An app's moderation actions, newest first",
    params: { appId: idParam('The app id.', 'app_not_found') },
    query,
    status: 200,
    response,
    errors: { app_not_found: 'no such app' },
    handle: async ({ params, query }, { audit, admin }) => {
      await admin.get(params.appId)
      return auditPage(await audit.list(params.appId, query), query.limit)
    },
  }),
]
