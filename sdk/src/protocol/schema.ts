/**
 * A small schema language for validating frames and bodies at the edge. Written here rather
 * than taken from a library so that the protocol package, which the SDK re-exports, keeps zero
 * runtime dependencies; each schema can also describe itself as JSON Schema for the docs.
 */
import { clip } from './clip.js'

export type ParseResult<T> = { ok: true; value: T } | { ok: false; issue: string }

export interface Schema<T> {
  parse(input: unknown, path?: string): ParseResult<T>
  /** JSON Schema of this schema, for documentation. */
  json(): Record<string, unknown>
  /** Present on optional members of an object schema. */
  readonly optional?: true
}

export type Infer<S> = S extends Schema<infer T> ? T : never

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value })
const fail = (path: string, expected: string): ParseResult<never> => ({
  ok: false,
  issue: `${path || 'value'} must be ${expected}`,
})

export function string(
  opts: { min?: number; max?: number; pattern?: RegExp; trim?: boolean } = {},
): Schema<string> {
  const { min = 0, max = Infinity, pattern, trim = false } = opts
  const expected = `a string of ${min}..${max === Infinity ? '∞' : max} characters${pattern ? ` matching ${pattern}` : ''}`
  return {
    parse(input, path = '') {
      if (typeof input !== 'string') return fail(path, expected)
      const value = trim ? input.trim() : input
      if (value.length < min || value.length > max || (pattern && !pattern.test(value)))
        return fail(path, expected)
      return ok(value)
    },
    json: () => ({
      type: 'string',
      minLength: min,
      ...(max !== Infinity && { maxLength: max }),
      ...(pattern && { pattern: pattern.source }),
    }),
  }
}

export function integer(opts: { min?: number; max?: number } = {}): Schema<number> {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = opts
  return {
    parse(input, path = '') {
      if (typeof input !== 'number' || !Number.isInteger(input) || input < min || input > max)
        return fail(path, `an integer in ${min}..${max}`)
      return ok(input)
    },
    json: () => ({ type: 'integer', minimum: min, maximum: max }),
  }
}

export function boolean(): Schema<boolean> {
  return {
    parse: (input, path = '') => (typeof input === 'boolean' ? ok(input) : fail(path, 'a boolean')),
    json: () => ({ type: 'boolean' }),
  }
}

export function literal<const L extends string>(value: L): Schema<L> {
  return {
    parse: (input, path = '') => (input === value ? ok(value) : fail(path, JSON.stringify(value))),
    json: () => ({ const: value }),
  }
}

/** One of a few fixed strings. */
export function oneOf<const T extends string>(values: readonly T[]): Schema<T> {
  return {
    parse: (input, path = '') =>
      values.includes(input as T) ? ok(input as T) : fail(path, `one of ${values.join(', ')}`),
    json: () => ({ type: 'string', enum: [...values] }),
  }
}

export function optional<T>(inner: Schema<T>): Schema<T | undefined> {
  return {
    optional: true,
    parse: (input, path = '') => (input === undefined ? ok(undefined) : inner.parse(input, path)),
    json: () => inner.json(),
  }
}

export function nullable<T>(inner: Schema<T>): Schema<T | null> {
  return {
    parse: (input, path = '') => (input === null ? ok(null) : inner.parse(input, path)),
    json: () => ({ anyOf: [inner.json(), { type: 'null' }] }),
  }
}

type Shape = Record<string, Schema<unknown>>
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { optional: true } ? K : never }[keyof S]
type ObjectOf<S extends Shape> = { [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & {
  [K in OptionalKeys<S>]?: Exclude<Infer<S[K]>, undefined>
}

const own = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key)

/**
 * An object with exactly these keys; unknown keys are refused so typos surface at once. Both
 * checks look at own properties only: `key in shape` would let `constructor`, `toString` or a
 * `__proto__` key (an own property after `JSON.parse`) through as "known", and reading an
 * absent field must not find `Object.prototype`'s member of that name.
 */
export function object<S extends Shape>(shape: S): Schema<ObjectOf<S>> {
  return {
    parse(input, path = '') {
      if (typeof input !== 'object' || input === null || Array.isArray(input)) return fail(path, 'an object')
      const out: Record<string, unknown> = {}
      for (const key of Object.keys(input)) {
        if (!own(shape, key))
          return { ok: false, issue: `${path ? path + '.' : ''}${clip(key)} is not a known field` }
      }
      for (const [key, schema] of Object.entries(shape)) {
        const value = own(input, key) ? (input as Record<string, unknown>)[key] : undefined
        const result = schema.parse(value, path ? `${path}.${key}` : key)
        if (!result.ok) return result
        if (result.value !== undefined) out[key] = result.value
      }
      return ok(out as ObjectOf<S>)
    },
    json: () => ({
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(Object.entries(shape).map(([k, s]) => [k, s.json()])),
      required: Object.entries(shape)
        .filter(([, s]) => !s.optional)
        .map(([k]) => k),
    }),
  }
}
