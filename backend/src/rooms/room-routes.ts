import { bodySchemas, modelSchemas as models } from '@roomful/sdk/protocol'
import type { VerifiedIdentity } from '../auth/tokens.js'
import { idParam, idQuery, intQuery, jsonBody, oneOfQuery, roomIdParam } from '../http/request-parts.js'
import { adminRoute, appRoute, type Route } from '../http/route.js'
import { ADMIN_ACTOR, type Actor } from '../messages/messages-service.js'
import type { ReportsService } from '../reports/reports-service.js'
import type { RoomModeration } from './room-moderation.js'

export interface RoomRouteDeps {
  roomModeration: RoomModeration
  reports: ReportsService
}

/** The role is read from the verified token, as on the socket. */
const actor = ({ id, name, avatar, moderator }: VerifiedIdentity): Actor => ({
  id,
  name,
  avatar,
  moderator: moderator === true,
})

const appId = idParam('The app id.', 'app_not_found')
const reportId = idParam('The report id.', 'not_found')
const messageId = idParam('The message id.', 'not_found')
const roomNotFound = { room_not_found: 'no such room in this app' }
const moderatorsOnly = { forbidden: 'the token is not a moderator’s' }
const settingsDescription =
  'Each field optional; absent ones stay. Applied live: members get `room.updated`, and every node enforces the new settings within 2 s.'
const reportPageQuery = {
  status: oneOfQuery('status', ['open', 'resolved'] as const, 'Default `open`.'),
  limit: intQuery('limit', { description: 'Page size.', min: 1, max: 200, fallback: 50 }),
  cursor: idQuery('`nextCursor` of the previous page.', 'unable to list reports; bad cursor'),
}
const reportPage = { description: 'A page of reports, newest first.', schema: models.ReportPage }
const aReport = { description: 'The report.', schema: models.Report }

/** Room settings, room deletion and reports over REST: moderators' tokens under the app,
 * the admin key under `/v1/admin`; the same rules as the socket ops. */
export const roomRoutes: Route<RoomRouteDeps>[] = [
  appRoute({
    method: 'patch',
    path: '/rooms/:roomId',
    operationId: 'updateRoom',
    tag: 'moderation',
    summary: 'Moderators: change a room’s slow mode, read-only and archive settings',
    description: settingsDescription,
    access: 'user',
    params: { roomId: roomIdParam },
    body: jsonBody(bodySchemas.updateRoom),
    status: 200,
    response: { description: 'The room with its new settings.', schema: models.Room },
    errors: { ...roomNotFound, ...moderatorsOnly },
    handle: async ({ app, identity, params, body }, { roomModeration }) =>
      roomModeration.update(app.id, params.roomId, actor(identity), body),
  }),
  appRoute({
    method: 'delete',
    path: '/rooms/:roomId',
    operationId: 'deleteRoom',
    tag: 'moderation',
    summary: 'Moderators: delete a room with its messages',
    description: 'Members get `room.deleted` and are out of the room; later joins get `room_not_found`.',
    access: 'user',
    params: { roomId: roomIdParam },
    status: 204,
    response: { description: 'Deleted.' },
    errors: { ...roomNotFound, ...moderatorsOnly },
    handle: async ({ app, identity, params }, { roomModeration }) =>
      void (await roomModeration.delete(app.id, params.roomId, actor(identity))),
  }),
  appRoute({
    method: 'post',
    path: '/rooms/:roomId/messages/:messageId/report',
    operationId: 'reportMessage',
    tag: 'moderation',
    summary: 'Report a message to the app’s moderators',
    description:
      'Reporting the same message again returns the first report. Emits the `message.reported` webhook once.',
    access: 'user',
    params: { roomId: roomIdParam, messageId },
    body: jsonBody(bodySchemas.report),
    status: 200,
    response: aReport,
    errors: { not_found: 'no such message in this room (or a notice or change entry)' },
    handle: async ({ app, identity, params, body }, { reports }) =>
      reports.report(app.id, params.roomId, identity, params.messageId, body.reason),
  }),
  appRoute({
    method: 'get',
    path: '/reports',
    operationId: 'listReports',
    tag: 'moderation',
    summary: 'Moderators: the app’s reports, newest first (default: the open ones)',
    access: 'user',
    query: reportPageQuery,
    status: 200,
    response: reportPage,
    errors: moderatorsOnly,
    handle: async ({ app, identity, query }, { reports }) => reports.list(app.id, actor(identity), query),
  }),
  appRoute({
    method: 'post',
    path: '/reports/:reportId/resolve',
    operationId: 'resolveReport',
    tag: 'moderation',
    summary: 'Moderators: mark a report resolved',
    access: 'user',
    params: { reportId },
    status: 200,
    response: aReport,
    errors: { ...moderatorsOnly, not_found: 'no such report in this app' },
    handle: async ({ app, identity, params }, { reports }) =>
      reports.resolve(app.id, actor(identity), params.reportId),
  }),
  // The admin rows name the room parameter `room`: with `:roomId` here (the app row's name on
  // the same shape of path), the unknown-app-ids memory test (operations/unauthenticated-
  // bounds) kept ~26 MB more after 40,000 requests, twice; with `:room`, ~2 MB, as on main.
  // The cause is below us (HyperExpress/uWS routing) and not understood yet.
  adminRoute({
    method: 'patch',
    path: '/apps/:appId/rooms/:room',
    operationId: 'adminUpdateRoom',
    tag: 'admin',
    summary: 'Change a room’s slow mode, read-only and archive settings',
    description: settingsDescription,
    params: { appId, room: roomIdParam },
    body: jsonBody(bodySchemas.updateRoom),
    status: 200,
    response: { description: 'The room with its new settings.', schema: models.Room },
    errors: roomNotFound,
    handle: async ({ params, body }, { roomModeration }) =>
      roomModeration.update(params.appId, params.room, ADMIN_ACTOR, body),
  }),
  adminRoute({
    method: 'delete',
    path: '/apps/:appId/rooms/:room',
    operationId: 'adminDeleteRoom',
    tag: 'admin',
    summary: 'Delete a room with its messages',
    params: { appId, room: roomIdParam },
    status: 204,
    response: { description: 'Deleted.' },
    errors: roomNotFound,
    handle: async ({ params }, { roomModeration }) =>
      void (await roomModeration.delete(params.appId, params.room, ADMIN_ACTOR)),
  }),
  adminRoute({
    method: 'get',
    path: '/apps/:appId/reports',
    operationId: 'adminListReports',
    tag: 'admin',
    summary: 'An app’s reports, newest first (default: the open ones)',
    params: { appId },
    query: reportPageQuery,
    status: 200,
    response: reportPage,
    handle: async ({ params, query }, { reports }) => reports.list(params.appId, ADMIN_ACTOR, query),
  }),
  adminRoute({
    method: 'post',
    path: '/apps/:appId/reports/:reportId/resolve',
    operationId: 'adminResolveReport',
    tag: 'admin',
    summary: 'Mark a report resolved (as `resolvedBy: "admin"`)',
    params: { appId, reportId },
    status: 200,
    response: aReport,
    errors: { not_found: 'no such report in this app' },
    handle: async ({ params }, { reports }) => reports.resolve(params.appId, ADMIN_ACTOR, params.reportId),
  }),
]
