import { s } from '@roomful/sdk/protocol'
import type { AppAdmin } from '../apps/app-admin.js'
import { adminModels, adminSchemas } from './admin-schemas.js'
import { idParam, jsonBody, type PathParam } from './request-parts.js'
import { adminRoute, type Route } from './route.js'

export interface AdminRouteDeps {
  admin: AppAdmin
}

const appId = idParam('The app id.', 'app_not_found')
const kid: PathParam = {
  description: 'The key id.',
  schema: s.string({ min: 1, max: 128 }),
  invalid: 'not_found',
}
const noSuchApp = { app_not_found: 'no such app' }
const app = (description: string) => ({ description, schema: adminModels.App })
const tag = 'admin'

/**
 * The admin REST API under `/v1/admin`, for operators' servers only: a Bearer admin key, no
 * CORS (browsers cannot call it cross-origin), and answering `not_found` when no key is set.
 * The same operations as the admin CLI, through `AppAdmin`.
 */
export const adminRoutes: Route<AdminRouteDeps>[] = [
  adminRoute({
    method: 'post',
    path: '/apps',
    operationId: 'adminCreateApp',
    tag,
    summary: 'Create an app; the answer holds its secret, shown this once',
    body: jsonBody(adminSchemas.createApp),
    status: 201,
    response: { description: 'The new app, with its secret.', schema: adminModels.AppWithSecret },
    errors: { bad_request: 'the id is taken or not 1..64 of A-Z a-z 0-9 _ -' },
    handle: async ({ body }, { admin }) => admin.create(body),
  }),
  adminRoute({
    method: 'get',
    path: '/apps',
    operationId: 'adminListApps',
    tag,
    summary: 'Every app',
    status: 200,
    response: {
      description: 'The apps.',
      schema: {
        type: 'object',
        required: ['apps'],
        properties: { apps: { type: 'array', items: adminModels.App } },
      },
    },
    handle: async (_ctx, { admin }) => ({ apps: await admin.list() }),
  }),
  adminRoute({
    method: 'get',
    path: '/apps/:appId',
    operationId: 'adminGetApp',
    tag,
    summary: 'One app',
    params: { appId },
    status: 200,
    response: app('The app.'),
    errors: noSuchApp,
    handle: async ({ params }, { admin }) => admin.get(params.appId),
  }),
  adminRoute({
    method: 'patch',
    path: '/apps/:appId',
    operationId: 'adminUpdateApp',
    tag,
    summary: 'Change an app: name, origins, limits, guests, disabled, JWKS URL',
    description: 'Applies on this node at once; other nodes within their 5 s app cache.',
    params: { appId },
    body: jsonBody(adminSchemas.updateApp),
    status: 200,
    response: app('The changed app.'),
    errors: { ...noSuchApp, bad_request: 'the JWKS URL is not an http(s) URL' },
    handle: async ({ params, body }, { admin }) => admin.update(params.appId, body),
  }),
  adminRoute({
    method: 'post',
    path: '/apps/:appId/disable',
    operationId: 'adminDisableApp',
    tag,
    summary: 'Disable an app: its sockets close with 4004 and its requests get 403 `app_disabled`',
    params: { appId },
    status: 200,
    response: app('The disabled app.'),
    errors: noSuchApp,
    handle: async ({ params }, { admin }) => admin.update(params.appId, { disabled: true }),
  }),
  adminRoute({
    method: 'post',
    path: '/apps/:appId/enable',
    operationId: 'adminEnableApp',
    tag,
    summary: 'Enable a disabled app again',
    params: { appId },
    status: 200,
    response: app('The enabled app.'),
    errors: noSuchApp,
    handle: async ({ params }, { admin }) => admin.update(params.appId, { disabled: false }),
  }),
  adminRoute({
    method: 'post',
    path: '/apps/:appId/rotate-secret',
    operationId: 'adminRotateSecret',
    tag,
    summary: 'Give an app a new secret; the old one may keep verifying for a while',
    description: 'The body may be left out: the old secret is then refused at once.',
    params: { appId },
    body: jsonBody(adminSchemas.rotateSecret),
    status: 200,
    response: { description: 'The app, with its new secret.', schema: adminModels.AppWithSecret },
    errors: noSuchApp,
    handle: async ({ params, body }, { admin }) =>
      admin.rotateSecret(params.appId, (body.keepOldForSeconds ?? 0) * 1000),
  }),
  adminRoute({
    method: 'post',
    path: '/apps/:appId/keys',
    operationId: 'adminAddKey',
    tag,
    summary: "Register a public key (JWK or SPKI PEM) that verifies the app's user tokens of its algorithm",
    params: { appId },
    body: jsonBody(adminSchemas.addKey),
    status: 201,
    response: app('The app, with the key.'),
    errors: {
      ...noSuchApp,
      bad_request: 'the kid is taken, or the key is not a public key of that algorithm',
    },
    handle: async ({ params, body }, { admin }) => admin.addKey(params.appId, body),
  }),
  adminRoute({
    method: 'delete',
    path: '/apps/:appId/keys/:kid',
    operationId: 'adminRemoveKey',
    tag,
    summary: 'Remove a registered public key',
    params: { appId, kid },
    status: 200,
    response: app('The app, without the key.'),
    errors: { ...noSuchApp, not_found: 'the app has no key of this kid' },
    handle: async ({ params }, { admin }) => admin.removeKey(params.appId, params.kid),
  }),
  adminRoute({
    method: 'delete',
    path: '/apps/:appId',
    operationId: 'adminDeleteApp',
    tag,
    summary: 'Delete an app',
    description: "Its sockets on this node close at once; other nodes' on their next app lookup.",
    params: { appId },
    status: 204,
    response: { description: 'Deleted.' },
    errors: noSuchApp,
    handle: async ({ params }, { admin }) => void (await admin.delete(params.appId)),
  }),
]
