#!/usr/bin/env node
// Writes docs/openapi.yaml (OpenAPI 3.1) for the REST API of backend/src/http/rest-api.ts.
//
// Usage (from the repo root, after `npm run build -w sdk`):
//   node scripts/openapi.mjs            # writes docs/openapi.yaml
//   node scripts/openapi.mjs --check    # exits 1 if docs/openapi.yaml is out of date
//
// Request bodies come from the protocol's own schemas (`bodySchemas` in
// sdk/src/protocol/schemas.ts, each of which describes itself with `.json()`), and the error
// codes from `ERROR_CODES`, so the document cannot drift from what the server validates.
// Paths and response models are written here, after rest-api.ts, app-routes.ts and app.ts.
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import prettier from 'prettier'
import { bodySchemas, DEFAULT_HISTORY_PAGE, DEFAULT_LIMITS, ERROR_CODES } from '../sdk/dist/protocol.js'

const target = fileURLToPath(new URL('../docs/openapi.yaml', import.meta.url))
const ref = (name) => ({ $ref: `#/components/schemas/${name}` })
const json = (schema, description) => ({ description, content: { 'application/json': { schema } } })

// ---- components ----------------------------------------------------------------------------
const trimmed = (schema, note) => ({ ...schema, description: note })
const body = (name) => bodySchemas[name].json()

const signup = body('signup')
signup.properties.email = trimmed(signup.properties.email, 'Trimmed, then stored lower-cased.')
signup.properties.displayName = trimmed(signup.properties.displayName, 'Trimmed before the length check.')
const login = body('login')
login.properties.email = trimmed(login.properties.email, 'Trimmed and compared lower-cased.')
const createRoom = body('createRoom')
createRoom.properties.name = trimmed(createRoom.properties.name, 'Trimmed before the length check.')
createRoom.properties.topic = trimmed(
  createRoom.properties.topic,
  'Optional; trimmed. An empty topic is stored as null.',
)

const userProfile = {
  type: 'object',
  required: ['id', 'name', 'avatar'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    avatar: { type: ['string', 'null'], description: 'An http(s) URL, or null.' },
  },
}

const schemas = {
  SignupBody: signup,
  LoginBody: login,
  RefreshBody: body('refresh'),
  CreateRoomBody: createRoom,
  Error: {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: { type: 'string', enum: Object.keys(ERROR_CODES), description: 'Stable; switch on it.' },
          message: { type: 'string', description: 'For humans; may change.' },
        },
      },
    },
  },
  UserProfile: userProfile,
  Identity: {
    type: 'object',
    required: ['id', 'name', 'avatar', 'guest'],
    properties: { ...userProfile.properties, guest: { type: 'boolean' } },
  },
  AuthSession: {
    type: 'object',
    required: ['user', 'accessToken', 'expiresIn', 'refreshToken'],
    properties: {
      user: {
        type: 'object',
        required: ['id', 'name', 'avatar', 'email'],
        properties: { ...userProfile.properties, email: { type: 'string' } },
      },
      accessToken: {
        type: 'string',
        description:
          'HS256 JWT (iss "roomful", aud = the app id). Use as a Bearer token and in the WebSocket auth frame.',
      },
      expiresIn: { type: 'integer', description: 'Seconds until accessToken expires (900).' },
      refreshToken: {
        type: 'string',
        description: 'Single use, valid 30 days. Each refresh returns a new one and retires this one.',
      },
    },
  },
  Room: {
    type: 'object',
    required: ['id', 'name', 'topic', 'createdAt', 'createdBy', 'occupancy', 'lastSeq'],
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      topic: { type: ['string', 'null'] },
      createdAt: { type: 'string', format: 'date-time' },
      createdBy: { type: 'string', description: 'User id of the creator.' },
      occupancy: { type: 'integer', description: 'Distinct users in the room now.' },
      occupancyUnknown: {
        const: true,
        description:
          'Present only when presence could not be read (Redis down): occupancy is then 0 and unknown.',
      },
      lastSeq: { type: 'integer', description: 'Seq of the newest message; 0 when empty.' },
    },
  },
  RoomPage: {
    type: 'object',
    required: ['items', 'nextCursor'],
    properties: {
      items: { type: 'array', items: ref('Room') },
      nextCursor: {
        type: ['string', 'null'],
        description: 'Pass back as `cursor` for the next (older) page; null on the last page.',
      },
    },
  },
  Attachment: {
    type: 'object',
    required: ['id', 'contentType', 'bytes', 'width', 'height', 'url', 'thumbnailUrl'],
    properties: {
      id: { type: 'string' },
      contentType: { type: 'string' },
      bytes: { type: 'integer' },
      width: { type: 'integer' },
      height: { type: 'integer' },
      url: { type: 'string' },
      thumbnailUrl: { type: ['string', 'null'] },
    },
  },
  Message: {
    type: 'object',
    required: ['id', 'roomId', 'seq', 'kind', 'user', 'text', 'clientId', 'createdAt'],
    properties: {
      id: { type: 'string' },
      roomId: { type: 'string' },
      seq: { type: 'integer', minimum: 1, description: 'Strictly increasing per room, no gaps.' },
      kind: { type: 'string', enum: ['text', 'notice', 'image'] },
      user: ref('UserProfile'),
      text: { type: 'string', description: 'Empty for notices. Render as text, never as HTML.' },
      clientId: { type: ['string', 'null'], description: "The sender's idempotency key; null for notices." },
      createdAt: { type: 'string', format: 'date-time' },
      notice: { type: 'string', enum: ['join', 'leave'], description: 'Only on notices.' },
      attachment: ref('Attachment'),
    },
  },
  MessagePage: {
    type: 'object',
    required: ['messages', 'hasMore'],
    properties: {
      messages: { type: 'array', items: ref('Message'), description: 'Ascending by seq.' },
      hasMore: { type: 'boolean', description: 'True when the first message returned has seq > 1.' },
    },
  },
  RankingBoard: {
    type: 'object',
    required: ['entries', 'updatedAt'],
    properties: {
      entries: {
        type: 'array',
        items: {
          type: 'object',
          required: ['roomId', 'name', 'occupancy', 'lastActivityAt'],
          properties: {
            roomId: { type: 'string' },
            name: { type: 'string' },
            occupancy: { type: 'integer' },
            lastActivityAt: { type: ['string', 'null'], format: 'date-time' },
          },
        },
      },
      updatedAt: { type: 'string', format: 'date-time' },
    },
  },
}

// ---- shared responses and parameters ----------------------------------------------------------
const codesWith = (status) =>
  Object.entries(ERROR_CODES)
    .filter(([, v]) => v.status === status)
    .map(([k]) => `\`${k}\``)
    .join(', ')

const error = (text) => json(ref('Error'), text)
const responses = {
  BadRequest: error('`bad_request` (schema or query parameter) or `malformed_json` (body is not JSON).'),
  Unauthorized: error(
    '`unauthenticated` (no `Authorization: Bearer` header), `token_invalid` or `token_expired`.',
  ),
  Forbidden: error('`origin_not_allowed` (the Origin header is not allowed by the app) or `app_disabled`.'),
  AppNotFound: error('`app_not_found`.'),
  RoomNotFound: error('`room_not_found` (also for a room id that is not a valid id), or `app_not_found`.'),
  Internal: error('`internal`: an unexpected server error (logged).'),
}
const badRequest = { 400: { $ref: '#/components/responses/BadRequest' } }
const common = {
  403: { $ref: '#/components/responses/Forbidden' },
  404: { $ref: '#/components/responses/AppNotFound' },
  500: { $ref: '#/components/responses/Internal' },
}
const withAuth = { ...common, 401: { $ref: '#/components/responses/Unauthorized' } }
const withBody = { ...badRequest, ...common }
const withAuthAndInput = { ...badRequest, ...withAuth }
const bearer = [{ bearer: [] }]
// Read routes: an app with guest access also answers them without a token.
const bearerOrGuest = [{ bearer: [] }, {}]

const roomId = {
  name: 'roomId',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^[A-Za-z0-9_-]+$', minLength: 1, maxLength: 64 },
}
const attachmentId = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^[A-Za-z0-9_-]+$', minLength: 1, maxLength: 64 },
}
const limitParam = (fallback) => ({
  name: 'limit',
  in: 'query',
  required: false,
  description: `Page size, default ${fallback}; 1..maxPageSize (the app's limit, default ${DEFAULT_LIMITS.maxPageSize}). Out of range: 400.`,
  schema: { type: 'integer', minimum: 1, maximum: DEFAULT_LIMITS.maxPageSize, default: fallback },
})

// ---- paths -------------------------------------------------------------------------------------
const app = '/v1/apps/{appId}'
const paths = {
  [`${app}/auth/signup`]: {
    post: {
      operationId: 'signup',
      tags: ['accounts'],
      summary: 'Create a hosted account (email + password) in this app and start a session',
      requestBody: { required: true, content: { 'application/json': { schema: ref('SignupBody') } } },
      responses: {
        201: json(ref('AuthSession'), 'The account was created; a session started.'),
        ...withBody,
        409: error('`email_taken`: an account with this email exists in this app.'),
      },
    },
  },
  [`${app}/auth/login`]: {
    post: {
      operationId: 'login',
      tags: ['accounts'],
      summary: 'Log in with email and password',
      requestBody: { required: true, content: { 'application/json': { schema: ref('LoginBody') } } },
      responses: {
        200: json(ref('AuthSession'), 'A new session.'),
        ...withBody,
        401: error('`invalid_credentials`: unknown email or wrong password (indistinguishable on purpose).'),
      },
    },
  },
  [`${app}/auth/refresh`]: {
    post: {
      operationId: 'refresh',
      tags: ['accounts'],
      summary: 'Trade a refresh token for a new session (the refresh token is spent)',
      description:
        'Presenting a refresh token that was already used revokes every token of its login (its family): treat a `refresh_invalid` as "log in again".',
      requestBody: { required: true, content: { 'application/json': { schema: ref('RefreshBody') } } },
      responses: {
        200: json(ref('AuthSession'), 'A new session, with a new refresh token.'),
        ...withBody,
        401: error('`refresh_invalid`: unknown, used, revoked or expired.'),
      },
    },
  },
  [`${app}/auth/logout`]: {
    post: {
      operationId: 'logout',
      tags: ['accounts'],
      summary: 'Revoke the refresh token and every token of its login',
      requestBody: { required: true, content: { 'application/json': { schema: ref('RefreshBody') } } },
      responses: { 204: { description: 'Done (also when the token was unknown).' }, ...withBody },
    },
  },
  [`${app}/me`]: {
    get: {
      operationId: 'me',
      tags: ['accounts'],
      summary: 'The identity of the bearer token',
      security: bearer,
      responses: { 200: json(ref('Identity'), 'Who the token is for.'), ...withAuth },
    },
  },
  [`${app}/rooms`]: {
    get: {
      operationId: 'listRooms',
      tags: ['rooms'],
      summary: 'List rooms, newest first, keyset-paginated, each with its live occupancy',
      security: bearerOrGuest,
      parameters: [
        limitParam(20),
        {
          name: 'cursor',
          in: 'query',
          required: false,
          description: '`nextCursor` of the previous page (a room id). A value that is not a valid id: 400.',
          schema: { type: 'string', pattern: '^[A-Za-z0-9_-]+$', maxLength: 64 },
        },
      ],
      responses: { 200: json(ref('RoomPage'), 'One page of rooms.'), ...withAuthAndInput },
    },
    post: {
      operationId: 'createRoom',
      tags: ['rooms'],
      summary: 'Create a room',
      description: 'Lobby subscribers (`rooms.subscribe`) receive a `room.created` event.',
      security: bearer,
      requestBody: { required: true, content: { 'application/json': { schema: ref('CreateRoomBody') } } },
      responses: { 201: json(ref('Room'), 'The new room (occupancy 0, lastSeq 0).'), ...withAuthAndInput },
    },
  },
  [`${app}/rooms/{roomId}`]: {
    get: {
      operationId: 'getRoom',
      tags: ['rooms'],
      summary: 'One room, with its live occupancy',
      security: bearerOrGuest,
      parameters: [roomId],
      responses: {
        200: json(ref('Room'), 'The room.'),
        ...withAuth,
        404: { $ref: '#/components/responses/RoomNotFound' },
      },
    },
  },
  [`${app}/rooms/{roomId}/messages`]: {
    get: {
      operationId: 'listMessages',
      tags: ['messages'],
      summary: 'History: the newest messages before a seq, ascending',
      security: bearerOrGuest,
      parameters: [
        roomId,
        limitParam(DEFAULT_HISTORY_PAGE),
        {
          name: 'before',
          in: 'query',
          required: false,
          description:
            'Return messages with seq below this (default: the newest). To page back, pass the first seq of the previous page.',
          schema: { type: 'integer', minimum: 1 },
        },
      ],
      responses: {
        200: json(ref('MessagePage'), 'A page of messages, ascending by seq.'),
        ...withAuthAndInput,
        404: { $ref: '#/components/responses/RoomNotFound' },
      },
    },
  },
  [`${app}/rooms/{roomId}/attachments`]: {
    post: {
      operationId: 'uploadAttachment',
      tags: ['attachments'],
      summary: 'Upload an image (png, jpeg, gif, webp) to send into this room',
      description:
        "The body is the raw image; its Content-Type is ignored: the type is sniffed from the bytes. The whole image is decoded (truncated or corrupt: 400) and re-encoded, which drops EXIF/GPS and other metadata. A refused file stores nothing. Send it with the WebSocket `send` op's `attachmentId`; a thumbnail is made by a background job. Guests get 403 `guest_read_only`.",
      security: bearer,
      parameters: [roomId],
      requestBody: {
        required: true,
        content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
      },
      responses: {
        201: json(ref('Attachment'), 'The stored, cleaned image.'),
        ...withAuthAndInput,
        404: { $ref: '#/components/responses/RoomNotFound' },
        413: error(
          `\`payload_too_large\`: over the app's \`maxAttachmentBytes\` (default ${DEFAULT_LIMITS.maxAttachmentBytes} bytes).`,
        ),
        415: error('`unsupported_media`: not a png, jpeg, gif or webp image (SVG, HTML, …).'),
      },
    },
  },
  [`${app}/attachments/{id}`]: {
    get: {
      operationId: 'getAttachment',
      tags: ['attachments'],
      summary: 'The image; no token (for <img>): the unguessable id is the capability',
      description:
        "Headers: the sniffed Content-Type, `X-Content-Type-Options: nosniff`, `Content-Security-Policy: default-src 'none'`, `Cache-Control: public, max-age=31536000, immutable`.",
      parameters: [attachmentId],
      responses: {
        200: {
          description: 'The image bytes.',
          content: { 'image/*': { schema: { type: 'string', format: 'binary' } } },
        },
        404: error('`not_found`: no such attachment in this app (or `app_not_found`).'),
      },
    },
  },
  [`${app}/attachments/{id}/thumbnail`]: {
    get: {
      operationId: 'getAttachmentThumbnail',
      tags: ['attachments'],
      summary: 'A WebP thumbnail (at most 320 px); the full image until it is made',
      description:
        'Until the background job has made the thumbnail, this serves the full image with `Cache-Control: public, max-age=60`; then the WebP with the immutable caching of the full image.',
      parameters: [attachmentId],
      responses: {
        200: {
          description: 'The image bytes.',
          content: { 'image/*': { schema: { type: 'string', format: 'binary' } } },
        },
        404: error('`not_found`: no such attachment in this app (or `app_not_found`).'),
      },
    },
  },
  [`${app}/ranking`]: {
    get: {
      operationId: 'ranking',
      tags: ['ranking'],
      summary: 'The ranking board: occupied rooms by distinct users, ties by latest activity (top 10)',
      security: bearerOrGuest,
      responses: { 200: json(ref('RankingBoard'), 'The board as this node knows it.'), ...withAuth },
    },
  },
  '/livez': {
    get: {
      operationId: 'livez',
      tags: ['health'],
      summary: 'Liveness: the process is up',
      responses: {
        200: json(
          { type: 'object', properties: { status: { const: 'ok' } }, required: ['status'] },
          'Always, while the process serves HTTP.',
        ),
      },
    },
  },
  '/readyz': {
    get: {
      operationId: 'readyz',
      tags: ['health'],
      summary: 'Readiness: the node is not draining and its stores answer',
      responses: {
        200: json(
          {
            type: 'object',
            required: ['status', 'mode', 'node', 'connections'],
            properties: {
              status: { const: 'ready' },
              mode: { type: 'string', enum: ['embedded', 'production'] },
              node: { type: 'string', description: 'NODE_ID of this node.' },
              connections: { type: 'integer', description: 'Open WebSocket connections on this node.' },
            },
          },
          'Ready to take traffic.',
        ),
        503: json(
          {
            type: 'object',
            required: ['status'],
            properties: {
              status: { type: 'string', enum: ['draining', 'unavailable'] },
              mode: { type: 'string', enum: ['embedded', 'production'] },
            },
          },
          '`draining` after SIGTERM; `unavailable` when MySQL or Redis does not answer.',
        ),
      },
    },
  },
}

// Every route under /v1/apps/{appId} answers a CORS preflight.
for (const [path, item] of Object.entries(paths)) {
  if (!path.startsWith(app)) continue
  item.parameters = [
    {
      name: 'appId',
      in: 'path',
      required: true,
      description: 'The app (tenant) id.',
      schema: { type: 'string' },
    },
  ]
  item.options = {
    operationId: `preflight${Object.values(item)[0].operationId.replace(/^./, (c) => c.toUpperCase())}`,
    tags: ['cors'],
    summary: 'CORS preflight',
    responses: {
      204: {
        description:
          'The Origin is allowed (or absent): `Access-Control-Allow-Origin` echoes it, with `Access-Control-Allow-Methods: GET, POST, OPTIONS`, `Access-Control-Allow-Headers: Authorization, Content-Type`, `Access-Control-Max-Age: 600`, `Vary: Origin`.',
      },
      403: { description: 'Unknown app, or the Origin is not allowed. Empty body.' },
    },
  }
}

const doc = {
  openapi: '3.1.0',
  info: {
    title: 'Roomful REST API',
    version: '1',
    description: [
      'REST side of Roomful v1; the live side is the WebSocket protocol in docs/protocol.md.',
      'Every route under /v1/apps/{appId} resolves the app first (404 `app_not_found`, 403 `app_disabled`),',
      "then checks the Origin header against the app's allowed origins (403 `origin_not_allowed`), then",
      'the bearer token where one is required, then the query and body. Errors are',
      '`{ "error": { "code", "message" } }` with the status of the code. The code table is shared with the WebSocket protocol; by status:',
      ...[400, 401, 403, 404, 409, 413, 415, 429, 500, 503, 504].map((s) => `${s}: ${codesWith(s)}.`),
      'JSON bodies over 64 KiB get 413 `payload_too_large`; any body over 32 MiB gets a bare 413 with an empty body.',
    ].join('\n'),
    license: { name: 'MIT' },
  },
  servers: [{ url: 'http://localhost:8080', description: 'npm start (embedded mode)' }],
  tags: [
    { name: 'accounts', description: 'Hosted accounts: email + password per app.' },
    { name: 'rooms' },
    { name: 'messages' },
    { name: 'ranking' },
    { name: 'attachments', description: 'Image uploads for image messages, and serving them.' },
    { name: 'health', description: 'For load balancers and orchestrators; no CORS, no auth.' },
    { name: 'cors' },
  ],
  paths,
  components: {
    securitySchemes: {
      bearer: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          'A user token: a host-site token (HS256 with the app secret; iss = app id, aud = "roomful") or a hosted-account access token (iss = "roomful", aud = app id). exp and sub required.',
      },
    },
    responses,
    schemas,
  },
}

// ---- a small YAML writer (block style; strings quoted with JSON rules) -------------------------
const plain = /^[A-Za-z_][A-Za-z0-9_ .,()/'-]*$/
const reserved = /^(true|false|null|yes|no|on|off|y|n|~)$/i
const scalar = (v) => {
  if (typeof v === 'string')
    return plain.test(v) && !reserved.test(v) && !v.endsWith(' ') ? v : JSON.stringify(v)
  return JSON.stringify(v)
}
const key = (k) => (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(k) && !reserved.test(k) ? k : JSON.stringify(k))
function yaml(value, indent = '') {
  if (Array.isArray(value)) {
    if (value.length === 0) return ' []'
    return value
      .map((item) => {
        if (item !== null && typeof item === 'object') {
          const inner = yaml(item, indent + '  ')
          return `\n${indent}- ${inner.replace(/^\n\s*/, '')}`
        }
        return `\n${indent}- ${scalar(item)}`
      })
      .join('')
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined)
    if (entries.length === 0) return ' {}'
    return entries.map(([k, v]) => `\n${indent}${key(k)}:${yaml(v, indent + '  ')}`).join('')
  }
  if (typeof value === 'string' && value.includes('\n'))
    return ` |-${value
      .split('\n')
      .map((line) => `\n${indent}${line}`)
      .join('')}`
  return ` ${scalar(value)}`
}

const header =
  '# Generated by scripts/openapi.mjs from sdk/src/protocol and backend/src/http; do not edit by hand.\n'
// Formatted with the repository's Prettier settings so that `npm run lint` accepts the file.
const options = { ...(await prettier.resolveConfig(target)), filepath: target }
const text = await prettier.format(header + yaml(doc).replace(/^\n/, '') + '\n', options)

if (process.argv.includes('--check')) {
  const current = readFileSync(target, 'utf8')
  if (current !== text) {
    console.error('docs/openapi.yaml is out of date; run node scripts/openapi.mjs')
    process.exit(1)
  }
  console.log('docs/openapi.yaml is up to date')
} else {
  writeFileSync(target, text)
  console.log(`wrote ${target}`)
}
