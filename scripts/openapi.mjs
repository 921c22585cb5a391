#!/usr/bin/env node
// Writes docs/openapi.yaml (OpenAPI 3.1) from the backend's route table.
//
// Usage (from the repo root, after `npm run build`):
//   node scripts/openapi.mjs            # writes docs/openapi.yaml
//   node scripts/openapi.mjs --check    # exits 1 if docs/openapi.yaml is not what the table gives
//
// Every operation comes from `routes` (backend/src/routes.ts), the same table the server
// mounts: method, path, access, parameters, body schema, statuses, summary and error codes.
// Models come from `modelSchemas` (sdk/src/protocol/model-schemas.ts) and `routeModels`
// (backend/src/routes.ts: the admin and webhook models); a model used by several operations becomes one shared
// component. Error statuses come from `ERROR_CODES`. Only the document's frame (title, tags,
// security schemes) and the rules every route shares are written here.
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import prettier from 'prettier'
import { fullPath } from '../backend/dist/http/route.js'
import { routeModels, routes } from '../backend/dist/routes.js'
import { ERROR_CODES, modelSchemas } from '../sdk/dist/protocol.js'

const target = fileURLToPath(new URL('../docs/openapi.yaml', import.meta.url))

// ---- models: a named model anywhere in the document becomes a $ref to its component --------
const components = { ...modelSchemas, ...routeModels }
const names = new Map(Object.entries(components).map(([name, schema]) => [schema, name]))
const withRefs = (value, own) => {
  if (value === null || typeof value !== 'object') return value
  if (value !== own && names.has(value)) return { $ref: `#/components/schemas/${names.get(value)}` }
  if (Array.isArray(value)) return value.map((item) => withRefs(item))
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withRefs(v)]))
}

// ---- what every route of a scope or access answers, besides its own errors ---------------
const implied = (route) => {
  const notes = []
  if (route.scope === 'app')
    notes.push(
      ['app_not_found', 'no such app'],
      ['app_disabled', 'the app is disabled'],
      ['origin_not_allowed', "the Origin header is not one of the app's allowed origins"],
    )
  if (route.scope === 'admin')
    notes.push(
      ['not_found', 'the admin API is disabled (no ADMIN_KEY is set)'],
      ['unauthenticated', 'no `Authorization: Bearer <ADMIN_KEY>` header'],
      ['forbidden', 'the admin key is wrong'],
    )
  if (route.access === 'user' || route.access === 'guest-readable')
    notes.push(
      [
        'unauthenticated',
        route.access === 'user'
          ? 'no `Authorization: Bearer` header'
          : 'no `Authorization: Bearer` header, and the app does not allow guests',
      ],
      ['token_invalid', 'the token is not valid for this app'],
      ['token_expired', 'the token has expired'],
      ['banned', "the token's user is banned from the app"],
    )
  if (route.access === 'user') notes.push(['guest_read_only', 'the caller is a guest'])
  for (const [name, param] of Object.entries(route.params ?? {}))
    notes.push([param.invalid, `\`${name}\` is malformed`])
  if (route.query) notes.push(['bad_request', 'a query parameter is out of range or malformed'])
  notes.push(...Object.entries(route.body?.errors ?? {}), ...Object.entries(route.errors ?? {}))
  if (route.scope !== 'public') notes.push(['internal', 'an unexpected server error (logged)'])
  return notes
}

const errorResponses = (route) => {
  const byStatus = new Map()
  for (const [code, note] of implied(route)) {
    const { status } = ERROR_CODES[code]
    const lines = byStatus.get(status) ?? new Map()
    lines.set(code, lines.has(code) ? `${lines.get(code)}; ${note}` : note)
    byStatus.set(status, lines)
  }
  return Object.fromEntries(
    [...byStatus].map(([status, lines]) => [
      status,
      {
        description: [...lines].map(([code, note]) => `\`${code}\`: ${note}.`).join(' '),
        ...(lines.has('rate_limited') && { headers: RATE_LIMIT_HEADERS }),
        ...(!lines.has('rate_limited') &&
          lines.has('server_busy') && { headers: { 'Retry-After': RETRY_AFTER } }),
        content: { 'application/json': { schema: modelSchemas.Error } },
      },
    ]),
  )
}

// What a throttled answer carries (backend/src/limits/auth-limits.ts), after the IETF
// RateLimit header fields draft.
const seconds = (description) => ({ description, schema: { type: 'integer', minimum: 0 } })
const RETRY_AFTER = seconds('Seconds to wait before retrying.')
const RATE_LIMIT_HEADERS = {
  'Retry-After': RETRY_AFTER,
  'RateLimit-Limit': seconds('Requests allowed in the window that was exceeded.'),
  'RateLimit-Remaining': seconds('Requests left in that window (0 when refused).'),
  'RateLimit-Reset': seconds('Seconds until that window resets.'),
}

// ---- operations -----------------------------------------------------------------------------
const SECURITY = {
  none: [],
  user: [{ bearer: [] }],
  // An app with guest access also answers these without a token.
  'guest-readable': [{ bearer: [] }, {}],
  'admin-key': [{ adminKey: [] }],
}
const content = (type, schema) => (schema ? { content: { [type]: { schema } } } : {})
const response = ({ description, schema, contentType = 'application/json' }) => ({
  description,
  ...content(contentType, schema),
})
const pathOf = (route) => fullPath(route).replace(/:(\w+)/g, '{$1}')
const appIdParam = { description: 'The app (tenant) id.', schema: { type: 'string' } }

function operation(route) {
  const query = Object.entries(route.query ?? {}).map(([name, { description, schema }]) => ({
    name,
    in: 'query',
    required: false,
    description,
    schema,
  }))
  const body = route.body && {
    // A JSON body whose fields are all optional may be left out.
    required: route.body.contentType !== 'application/json' || route.body.schema.required.length > 0,
    ...content(route.body.contentType, route.body.schema),
  }
  const responses = { [route.status]: response(route.response), ...errorResponses(route) }
  for (const [status, other] of Object.entries(route.otherResponses ?? {}))
    responses[status] = response(other)
  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    description: route.description,
    security: SECURITY[route.access],
    parameters: query.length > 0 ? query : undefined,
    requestBody: body,
    responses: Object.fromEntries(Object.entries(responses).sort(([a], [b]) => Number(a) - Number(b))),
  }
}

const preflight = (operationId) => ({
  operationId: `preflight${operationId.replace(/^./, (c) => c.toUpperCase())}`,
  tags: ['cors'],
  summary: 'CORS preflight',
  security: [],
  responses: {
    204: {
      description:
        'The Origin is allowed (or absent): `Access-Control-Allow-Origin` echoes it, with `Access-Control-Allow-Methods: GET, POST, PATCH, DELETE, OPTIONS`, `Access-Control-Allow-Headers: Authorization, Content-Type`, `Access-Control-Max-Age: 600`, `Vary: Origin`.',
    },
    403: { description: 'Unknown app, or the Origin is not allowed. Empty body.' },
  },
})

const paths = {}
for (const route of routes) {
  const item = (paths[pathOf(route)] ??= {})
  // Path parameters are declared once on the path, so every operation on it (the preflight
  // too) has them.
  const params = { ...(route.scope === 'app' && { appId: appIdParam }), ...route.params }
  item.parameters = Object.entries(params).map(([name, { description, schema }]) => ({
    name,
    in: 'path',
    required: true,
    description,
    schema: typeof schema.json === 'function' ? schema.json() : schema,
  }))
  item[route.method] = operation(route)
  if (route.scope === 'app') item.options ??= preflight(route.operationId)
}
for (const item of Object.values(paths)) if (item.parameters.length === 0) delete item.parameters

const codesWith = (status) =>
  Object.entries(ERROR_CODES)
    .filter(([, v]) => v.status === status)
    .map(([k]) => `\`${k}\``)
    .join(', ')
const statuses = [...new Set(Object.values(ERROR_CODES).map((v) => v.status))].sort((a, b) => a - b)

const doc = {
  openapi: '3.1.0',
  info: {
    title: 'Roomful REST API',
    version: '1',
    description: [
      'REST side of Roomful v1; the live side is the WebSocket protocol in docs/protocol.md.',
      'Every route under /v1/apps/{appId} resolves the app first (404 `app_not_found`, 403 `app_disabled`),',
      "then checks the Origin header against the app's allowed origins (403 `origin_not_allowed`), then",
      'the bearer token where one is required, then the path and query parameters and the body. Errors are',
      '`{ "error": { "code", "message" } }` with the status of the code. The code table is shared with the WebSocket protocol; by status:',
      ...statuses.map((s) => `${s}: ${codesWith(s)}.`),
      'JSON bodies over 64 KiB get 413 `payload_too_large`; any body over 32 MiB gets a bare 413 with an empty body.',
      "The admin API under /v1/admin is for operators' servers: it takes the ADMIN_KEY as a bearer token and sends no CORS headers.",
    ].join('\n'),
    license: { name: 'MIT', identifier: 'MIT' },
  },
  servers: [
    {
      url: '{origin}',
      description: 'A Roomful deployment',
      variables: {
        origin: {
          default: 'http://localhost:8080',
          description: "The deployment's PUBLIC_URL; `npm start` serves http://localhost:8080.",
        },
      },
    },
  ],
  tags: [
    { name: 'accounts', description: 'Hosted accounts: email + password per app.' },
    { name: 'rooms', description: 'The room list and room creation.' },
    { name: 'messages', description: 'History pages; live messages go over the WebSocket.' },
    { name: 'ranking', description: 'The board of rooms by how many people are in them now.' },
    { name: 'attachments', description: 'Image uploads for image messages, and serving them.' },
    {
      name: 'moderation',
      description:
        "Room settings, room deletion and reports: members report, moderators' tokens do the rest (docs/moderation.md).",
    },
    {
      name: 'admin',
      description: 'Managing apps, with the ADMIN_KEY; the same operations as the admin CLI.',
    },
    {
      name: 'webhooks',
      description:
        "An app's webhook endpoints and deliveries, with the ADMIN_KEY; what endpoints receive is in docs/moderation.md.",
    },
    { name: 'health', description: 'For load balancers and orchestrators; no CORS, no auth.' },
    { name: 'cors', description: "Preflights of the app routes, answered from the app's allowed origins." },
  ],
  paths,
  components: {
    securitySchemes: {
      bearer: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          'A user token: a host-site token (HS256 with the app secret, or ES256/EdDSA/RS256 with a key registered with the app or in its JWKS; iss = app id, aud = "roomful") or a hosted-account access token (iss = "roomful", aud = app id). exp and sub required.',
      },
      adminKey: {
        type: 'http',
        scheme: 'bearer',
        description: 'The ADMIN_KEY the backend was started with.',
      },
    },
    schemas: Object.fromEntries(
      Object.entries(components).map(([name, schema]) => [name, withRefs(schema, schema)]),
    ),
  },
}
doc.paths = withRefs(doc.paths)

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
