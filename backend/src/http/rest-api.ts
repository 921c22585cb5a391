import { bodySchemas, DEFAULT_HISTORY_PAGE, modelSchemas as models } from '@roomful/sdk/protocol'
import type { AuthService } from '../auth/auth-service.js'
import type { AuthLimits } from '../limits/auth-limits.js'
import type { MessagesService } from '../messages/messages-service.js'
import type { RankingService } from '../ranking/ranking-service.js'
import type { RoomsService } from '../rooms/rooms-service.js'
import { idQuery, intQuery, jsonBody, roomIdParam } from './request-parts.js'
import { appRoute, type Route } from './route.js'

export interface RestApiDeps {
  auth: AuthService
  authLimits: AuthLimits
  rooms: RoomsService
  messages: MessagesService
  ranking: RankingService
}

const pageLimit = (fallback: number) =>
  intQuery('limit', {
    description: `Page size, default ${fallback}; at most the app's maxPageSize.`,
    min: 1,
    max: (limits) => limits.maxPageSize,
    fallback,
  })
const throttled = {
  rate_limited:
    'too many attempts from this client address, or for this email, in the window (see `Retry-After`)',
}
const hashBusy = {
  server_busy:
    'the password-hash queue is full, or this address already has a hash in progress; retry shortly',
}
const roomNotFound = {
  room_not_found: 'no such room in this app (also for a room id that is not a valid id)',
}

/** The app REST surface under `/v1/apps/:appId`; see docs/rest-api.md. Thin: the router has
 * checked the token, parameters and body by the time a handler runs. */
export const restApiRoutes: Route<RestApiDeps>[] = [
  appRoute({
    method: 'post',
    path: '/auth/signup',
    operationId: 'signup',
    tag: 'accounts',
    summary: 'Create a hosted account (email + password) in this app and start a session',
    description: 'The email is trimmed and stored lower-cased; the display name is trimmed.',
    access: 'none',
    body: jsonBody(bodySchemas.signup),
    status: 201,
    response: { description: 'The account was created; a session started.', schema: models.AuthSession },
    errors: { email_taken: 'an account with this email exists in this app', ...throttled, ...hashBusy },
    handle: async ({ app, body, clientAddress }, { auth, authLimits }) => {
      await authLimits.check('signup', clientAddress, { appId: app.id, email: body.email })
      return auth.signup(app, body, clientAddress)
    },
  }),
  appRoute({
    method: 'post',
    path: '/auth/login',
    operationId: 'login',
    tag: 'accounts',
    summary: 'Log in with email and password',
    access: 'none',
    body: jsonBody(bodySchemas.login),
    status: 200,
    response: { description: 'A new session.', schema: models.AuthSession },
    errors: {
      invalid_credentials: 'unknown email or wrong password (indistinguishable on purpose)',
      banned: 'the account is banned from this app',
      ...throttled,
      ...hashBusy,
    },
    handle: async ({ app, body, clientAddress }, { auth, authLimits }) => {
      await authLimits.check('login', clientAddress, { appId: app.id, email: body.email })
      return auth.login(app, body, clientAddress)
    },
  }),
  appRoute({
    method: 'post',
    path: '/auth/refresh',
    operationId: 'refresh',
    tag: 'accounts',
    summary: 'Trade a refresh token for a new session (the refresh token is spent)',
    description:
      'Presenting a refresh token that was already used revokes every token of its login (its family): treat a `refresh_invalid` as "log in again".',
    access: 'none',
    body: jsonBody(bodySchemas.refresh),
    status: 200,
    response: { description: 'A new session, with a new refresh token.', schema: models.AuthSession },
    errors: {
      refresh_invalid: 'unknown, used, revoked or expired',
      banned: 'the account is banned from this app (the refresh token is spent: log in once the ban ends)',
      rate_limited: 'too many refreshes from this client address in the window (see `Retry-After`)',
    },
    handle: async ({ app, body, clientAddress }, { auth, authLimits }) => {
      await authLimits.check('refresh', clientAddress)
      return auth.refresh(app, body.refreshToken)
    },
  }),
  appRoute({
    method: 'post',
    path: '/auth/logout',
    operationId: 'logout',
    tag: 'accounts',
    summary: 'Revoke the refresh token and every token of its login',
    access: 'none',
    body: jsonBody(bodySchemas.refresh),
    status: 204,
    response: { description: 'Done (also when the token was unknown).' },
    handle: async ({ app, body }, { auth }) => void (await auth.logout(app, body.refreshToken)),
  }),
  appRoute({
    method: 'get',
    path: '/me',
    operationId: 'me',
    tag: 'accounts',
    summary: 'The identity of the bearer token',
    access: 'user',
    status: 200,
    response: { description: 'Who the token is for.', schema: models.Identity },
    handle: async ({ identity: { expiresAt: _, ...identity } }) => identity,
  }),
  appRoute({
    method: 'get',
    path: '/rooms',
    operationId: 'listRooms',
    tag: 'rooms',
    summary: 'List rooms, newest first, keyset-paginated, each with its live occupancy',
    access: 'guest-readable',
    query: {
      limit: pageLimit(20),
      cursor: idQuery(
        '`nextCursor` of the previous page (a room id). A value that is not a valid id: 400.',
        'unable to page; bad cursor',
      ),
    },
    status: 200,
    response: { description: 'One page of rooms.', schema: models.RoomPage },
    handle: async ({ app, query }, { rooms }) => rooms.list(app.id, query),
  }),
  appRoute({
    method: 'post',
    path: '/rooms',
    operationId: 'createRoom',
    tag: 'rooms',
    summary: 'Create a room',
    description: 'Lobby subscribers (`rooms.subscribe`) receive a `room.created` event.',
    access: 'user',
    body: jsonBody(bodySchemas.createRoom),
    status: 201,
    response: { description: 'The new room (occupancy 0, lastSeq 0).', schema: models.Room },
    handle: async ({ app, identity, body }, { rooms }) => rooms.create(app.id, identity.id, body),
  }),
  appRoute({
    method: 'get',
    path: '/rooms/:roomId',
    operationId: 'getRoom',
    tag: 'rooms',
    summary: 'One room, with its live occupancy',
    access: 'guest-readable',
    params: { roomId: roomIdParam },
    status: 200,
    response: { description: 'The room.', schema: models.Room },
    errors: roomNotFound,
    handle: async ({ app, params }, { rooms }) => rooms.get(app.id, params.roomId),
  }),
  appRoute({
    method: 'get',
    path: '/rooms/:roomId/messages',
    operationId: 'listMessages',
    tag: 'messages',
    summary: 'History: the newest messages before a seq, ascending',
    access: 'guest-readable',
    params: { roomId: roomIdParam },
    query: {
      limit: pageLimit(DEFAULT_HISTORY_PAGE),
      before: intQuery('before', {
        description:
          'Return messages with seq below this (default: the newest). To page back, pass the first seq of the previous page.',
        min: 1,
        max: Number.MAX_SAFE_INTEGER,
        fallback: undefined,
      }),
    },
    status: 200,
    response: { description: 'A page of messages, ascending by seq.', schema: models.MessagePage },
    errors: roomNotFound,
    handle: async ({ app, params, query }, { rooms, messages }) => {
      await rooms.require(app.id, params.roomId)
      return messages.historyPage(app.id, params.roomId, query)
    },
  }),
  appRoute({
    method: 'get',
    path: '/ranking',
    operationId: 'ranking',
    tag: 'ranking',
    summary: 'The ranking board: occupied rooms by distinct users, ties by latest activity (top 10)',
    access: 'guest-readable',
    status: 200,
    response: { description: 'The board as this node knows it.', schema: models.RankingBoard },
    handle: async ({ app }, { ranking }) => ranking.current(app.id),
  }),
]
