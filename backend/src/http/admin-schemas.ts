import { DEFAULT_LIMITS, s, type Limits, type ModelSchema, type Schema } from '@roomful/sdk/protocol'
import type { AppView } from '../apps/app-admin.js'
import { KEY_ALGORITHMS, type KeyAlgorithm } from '../apps/app-store.js'

/** A list of `inner`, at most `max` long. */
export function arrayOf<T>(inner: Schema<T>, max: number): Schema<T[]> {
  return {
    parse(input, path = '') {
      if (!Array.isArray(input) || input.length > max)
        return { ok: false, issue: `${path || 'value'} must be an array of at most ${max}` }
      const out: T[] = []
      for (const [i, item] of input.entries()) {
        const result = inner.parse(item, `${path}[${i}]`)
        if (!result.ok) return result
        out.push(result.value)
      }
      return { ok: true, value: out }
    },
    json: () => ({ type: 'array', items: inner.json(), maxItems: max }),
  }
}

export function oneOf<const T extends string>(values: readonly T[]): Schema<T> {
  return {
    parse: (input, path = '') =>
      values.includes(input as T)
        ? { ok: true, value: input as T }
        : { ok: false, issue: `${path || 'value'} must be one of ${values.join(', ')}` },
    json: () => ({ enum: [...values] }),
  }
}

const origin = s.string({ min: 1, max: 200, pattern: /^(\*|https?:\/\/[^/\s]+)$/ })
const limits = s.object(
  Object.fromEntries(
    Object.keys(DEFAULT_LIMITS).map((key) => [key, s.optional(s.integer({ min: 0, max: 2 ** 31 }))]),
  ) as { [K in keyof Limits]: Schema<number | undefined> & { optional: true } },
) as unknown as Schema<Partial<Limits>>

/** Bodies of the admin REST API (`/v1/admin/apps`); see docs/security.md. */
export const adminSchemas = {
  createApp: s.object({
    id: s.string({ min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/ }),
    name: s.optional(s.string({ min: 1, max: 200, trim: true })),
    allowedOrigins: s.optional(arrayOf(origin, 50)),
    limits: s.optional(limits),
    allowGuests: s.optional(s.boolean()),
  }),
  updateApp: s.object({
    name: s.optional(s.string({ min: 1, max: 200, trim: true })),
    allowedOrigins: s.optional(arrayOf(origin, 50)),
    limits: s.optional(limits),
    allowGuests: s.optional(s.boolean()),
    disabled: s.optional(s.boolean()),
    jwksUrl: s.optional(s.nullable(s.string({ min: 1, max: 2048 }))),
  }),
  rotateSecret: s.object({
    /** How long the old secret keeps verifying; 0 refuses it at once. */
    keepOldForSeconds: s.optional(s.integer({ min: 0, max: 30 * 86_400 })),
  }),
  addKey: s.object({
    kid: s.string({ min: 1, max: 128 }),
    alg: oneOf<KeyAlgorithm>(KEY_ALGORITHMS),
    publicKey: s.string({ min: 1, max: 16_384 }),
  }),
}

const time = { type: 'string', format: 'date-time' }
const appView = {
  type: 'object',
  required: [
    'id',
    'name',
    'allowedOrigins',
    'limits',
    'allowGuests',
    'disabled',
    'publicKeys',
    'jwksUrl',
    'previousSecretExpiresAt',
    'createdAt',
  ],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    allowedOrigins: {
      type: 'array',
      items: { type: 'string' },
      description: 'Origins (or `*`) pages may call from.',
    },
    limits: {
      ...limits.json(),
      description: 'Overrides of the default limits; absent ones are the defaults.',
    },
    allowGuests: { type: 'boolean' },
    disabled: { type: 'boolean' },
    publicKeys: {
      type: 'array',
      items: {
        type: 'object',
        required: ['kid', 'alg', 'createdAt'],
        properties: { kid: { type: 'string' }, alg: { enum: [...KEY_ALGORITHMS] }, createdAt: time },
      },
    },
    jwksUrl: { type: ['string', 'null'] },
    previousSecretExpiresAt: {
      type: ['string', 'null'],
      format: 'date-time',
      description: 'Until when the secret before the last rotation still verifies; null when it does not.',
    },
    createdAt: time,
  },
} satisfies ModelSchema<AppView>

/** What the admin REST API answers with, by the name the document gives them. */
export const adminModels = {
  App: { ...appView, description: 'An app as admins see it: everything but its secrets.' },
  AppWithSecret: {
    ...appView,
    description: 'The app with its secret: shown only when the app is created or its secret rotated.',
    required: [...appView.required, 'secret'],
    properties: {
      ...appView.properties,
      secret: { type: 'string', description: 'Signs HS256 user tokens (iss = the app id, aud = "roomful").' },
    },
  } satisfies ModelSchema<AppView & { secret: string }>,
}
