import {
  modelSchemas,
  s,
  sanctionFields,
  sanctionKindSchema,
  userIdSchema,
  type SanctionKind,
} from '@roomful/sdk/protocol'
import type { AppAdmin } from '../apps/app-admin.js'
import { RoomfulError } from '../errors.js'
import { ADMIN_ACTOR } from '../messages/messages-service.js'
import {
  idParam,
  idQuery,
  jsonBody,
  oneOfQuery,
  type PathParam,
  type QueryParam,
} from '../http/request-parts.js'
import { adminRoute, type Route } from '../http/route.js'
import type { ModerationActions } from './moderation-actions.js'
import type { ModeratorGrant } from './moderator-store.js'

export interface ModerationRouteDeps {
  admin: AppAdmin
  moderation: ModerationActions
}

const appId = idParam('The app id.', 'app_not_found')
const userId: PathParam = {
  description: 'The user id (a token `sub`).',
  schema: userIdSchema,
  invalid: 'not_found',
}
const noSuchApp = { app_not_found: 'no such app' }
const tag = 'moderation'
const kinds = ['ban', 'mute'] as const
const roomQuery = idQuery('A room id: only the sanctions of that room.', 'unable to list; bad roomId')

const userQuery: QueryParam<string> = {
  description: 'The user whose sanction is lifted.',
  schema: userIdSchema.json(),
  read(raw) {
    if (raw === undefined || !userIdSchema.parse(raw).ok)
      throw new RoomfulError('bad_request', 'unable to lift; userId is required (1..128 characters)')
    return raw
  },
}
const kindQuery = (description: string, required: boolean): QueryParam<SanctionKind | undefined> => {
  const optional = oneOfQuery('kind', kinds, description)
  return {
    ...optional,
    read(raw, limits) {
      if (required && !raw)
        throw new RoomfulError('bad_request', 'unable to lift; kind is required (ban or mute)')
      return optional.read(raw, limits)
    },
  }
}

const createSanction = s.object({ kind: sanctionKindSchema, ...sanctionFields })
const grantModerator = s.object({ userId: userIdSchema })

const sanctionList = {
  type: 'object',
  required: ['sanctions'],
  properties: { sanctions: { type: 'array', items: modelSchemas.Sanction } },
}
const moderatorModel = {
  type: 'object',
  required: ['userId', 'grantedBy', 'grantedAt'],
  properties: {
    userId: { type: 'string' },
    grantedBy: { type: 'string', description: '`admin` (REST) or `cli`.' },
    grantedAt: { type: 'string', format: 'date-time' },
  },
}
const moderatorView = (g: ModeratorGrant) => ({
  userId: g.userId,
  grantedBy: g.grantedBy,
  grantedAt: g.grantedAt.toISOString(),
})

/**
 * Bans, mutes and granted moderators under `/v1/admin/apps/{appId}`, behind the admin key, which
 * acts as `admin` and may sanction anyone (moderators included). The same actions as the
 * `moderation.*` socket ops.
 */
export const moderationRoutes: Route<ModerationRouteDeps>[] = [
  adminRoute({
    method: 'post',
    path: '/apps/:appId/sanctions',
    operationId: 'adminImposeSanction',
    tag,
    summary: 'Ban or mute a user, app-wide or in one room, for a time or until lifted',
    description:
      'Replaces a sanction of the same kind, user and scope. Applies on every node within 2 s: a banned user’s sockets get `sanctioned` and close with 4007 (app-wide) or leave the room; a ban sends the `user.banned` webhook.',
    params: { appId },
    body: jsonBody(createSanction),
    status: 201,
    response: { description: 'The sanction now in force.', schema: modelSchemas.Sanction },
    errors: { ...noSuchApp, room_not_found: 'roomId names no room of the app' },
    handle: async ({ params, body }, { admin, moderation }) => {
      await admin.get(params.appId)
      return moderation.impose(params.appId, ADMIN_ACTOR, {
        kind: body.kind,
        userId: body.userId,
        roomId: body.roomId ?? null,
        durationSeconds: body.durationSeconds,
        reason: body.reason ?? null,
      })
    },
  }),
  adminRoute({
    method: 'get',
    path: '/apps/:appId/sanctions',
    operationId: 'adminListSanctions',
    tag,
    summary: 'The bans and mutes in force, newest first',
    params: { appId },
    query: { kind: kindQuery('Only bans, or only mutes.', false), roomId: roomQuery },
    status: 200,
    response: {
      description: 'The sanctions in force (expired ones are never listed).',
      schema: sanctionList,
    },
    errors: noSuchApp,
    handle: async ({ params, query }, { admin, moderation }) => {
      await admin.get(params.appId)
      const filter = {
        ...(query.kind && { kind: query.kind }),
        ...(query.roomId && { roomId: query.roomId }),
      }
      return { sanctions: await moderation.list(params.appId, ADMIN_ACTOR, filter) }
    },
  }),
  adminRoute({
    method: 'delete',
    path: '/apps/:appId/sanctions',
    operationId: 'adminLiftSanction',
    tag,
    summary: 'Lift a ban or mute (of the app when roomId is left out, else of that room)',
    params: { appId },
    query: {
      kind: kindQuery('`ban` or `mute` (required).', true),
      userId: userQuery,
      roomId: idQuery(
        'The room of a room sanction; leave out for an app-wide one.',
        'unable to lift; bad roomId',
      ),
    },
    status: 204,
    response: { description: 'Lifted.' },
    errors: { ...noSuchApp, not_found: 'no sanction of that kind and scope is in force' },
    handle: async ({ params, query }, { admin, moderation }) => {
      await admin.get(params.appId)
      const key = { kind: query.kind!, userId: query.userId, roomId: query.roomId ?? null }
      if (!(await moderation.lift(params.appId, ADMIN_ACTOR, key)))
        throw new RoomfulError('not_found', 'unable to lift; no such sanction is in force')
    },
  }),
  adminRoute({
    method: 'post',
    path: '/apps/:appId/moderators',
    operationId: 'adminGrantModerator',
    tag,
    summary: 'Make a user (a hosted account, or any user id) a moderator of the app',
    description:
      'Their next authentication (socket `auth`, any REST call) has `moderator: true`; nodes cache grants for 3 s. Granting again keeps the first grant.',
    params: { appId },
    body: jsonBody(grantModerator),
    status: 201,
    response: { description: 'The grant.', schema: moderatorModel },
    errors: noSuchApp,
    handle: async ({ params, body }, { admin, moderation }) => {
      await admin.get(params.appId)
      return moderatorView(await moderation.grant(params.appId, body.userId, 'admin'))
    },
  }),
  adminRoute({
    method: 'get',
    path: '/apps/:appId/moderators',
    operationId: 'adminListModerators',
    tag,
    summary: 'The granted moderators, oldest grant first (host-token role claims are not listed)',
    params: { appId },
    status: 200,
    response: {
      description: 'The grants.',
      schema: {
        type: 'object',
        required: ['moderators'],
        properties: { moderators: { type: 'array', items: moderatorModel } },
      },
    },
    errors: noSuchApp,
    handle: async ({ params }, { admin, moderation }) => {
      await admin.get(params.appId)
      return { moderators: (await moderation.moderators(params.appId)).map(moderatorView) }
    },
  }),
  adminRoute({
    method: 'delete',
    path: '/apps/:appId/moderators/:userId',
    operationId: 'adminRevokeModerator',
    tag,
    summary: 'Revoke a granted moderator',
    description: 'Applies at the user’s next authentication, within 3 s on every node.',
    params: { appId, userId },
    status: 204,
    response: { description: 'Revoked.' },
    errors: { ...noSuchApp, not_found: 'the user has no grant' },
    handle: async ({ params }, { admin, moderation }) => {
      await admin.get(params.appId)
      if (!(await moderation.revoke(params.appId, params.userId, 'admin')))
        throw new RoomfulError('not_found', 'unable to revoke; the user is not a granted moderator')
    },
  }),
]
