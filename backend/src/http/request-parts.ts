import type { Request } from 'hyper-express'
import {
  DEFAULT_LIMITS,
  idSchema,
  type ErrorCode,
  type JsonSchema,
  type Limits,
  type Schema,
} from '@roomful/sdk/protocol'
import { RoomfulError } from '../errors.js'
import { readBoundedBody } from './bounded-body.js'

/**
 * The parts of a request a route declares (path parameters, query parameters, body), each
 * read and checked by the router before the handler runs, and each describing itself for the
 * document with the same bounds it checks (the default app limits where an app may change them).
 */

export const MAX_JSON_BYTES = 64 * 1024

/** A path parameter; a value `schema` refuses answers `invalid` (an id that cannot exist
 * names nothing, so that is a 404 code). */
export interface PathParam {
  description: string
  schema: Schema<string>
  invalid: ErrorCode
}

export interface QueryParam<T> {
  description: string
  schema: JsonSchema
  /** The parameter's value, or `bad_request`; `limits` are the app's (defaults outside apps). */
  read(raw: string | undefined, limits: Limits): T
}

export interface BodySpec<T> {
  contentType: 'application/json' | 'application/octet-stream'
  schema: JsonSchema
  /** Codes reading it can answer, each with when, for the document. */
  errors: Partial<Record<ErrorCode, string>>
  read(req: Request, limits: Limits): Promise<T>
}

export const idParam = (description: string, invalid: ErrorCode): PathParam => ({
  description,
  schema: idSchema,
  invalid,
})

type Bound = number | ((limits: Limits) => number)
const bound = (value: Bound, limits: Limits) => (typeof value === 'number' ? value : value(limits))

export const roomIdParam = idParam('The room id.', 'room_not_found')

/** An integer in `min..max`; `max` may be an app limit. Absent or empty: `fallback`. */
export function intQuery<F extends number | undefined>(
  name: string,
  options: { description: string; min: number; max: Bound; fallback: F },
): QueryParam<number | F> {
  const { min, max, fallback } = options
  return {
    description: options.description,
    schema: {
      type: 'integer',
      minimum: min,
      ...(max !== Number.MAX_SAFE_INTEGER && { maximum: bound(max, DEFAULT_LIMITS) }),
      ...(fallback !== undefined && { default: fallback }),
    },
    read(raw, limits) {
      if (raw === undefined || raw === '') return fallback
      const value = Number(raw)
      const top = bound(max, limits)
      if (!Number.isInteger(value) || value < min || value > top)
        throw new RoomfulError(
          'bad_request',
          `unable to accept ${name}; it must be an integer in ${min}..${top}`,
        )
      return value
    },
  }
}

/** An id, or absent; anything else is `bad_request` with `refusal`. */
export const idQuery = (description: string, refusal: string): QueryParam<string | undefined> => ({
  description,
  schema: idSchema.json(),
  read(raw) {
    if (raw === undefined || raw === '') return undefined
    if (!idSchema.parse(raw).ok) throw new RoomfulError('bad_request', refusal)
    return raw
  },
})

/** One of `values`, or absent; anything else is `bad_request` naming them. */
export function oneOfQuery<const T extends string>(
  name: string,
  values: readonly T[],
  description: string,
): QueryParam<T | undefined> {
  return {
    description,
    schema: { type: 'string', enum: [...values] },
    read(raw) {
      if (raw === undefined || raw === '') return undefined
      if (!values.includes(raw as T))
        throw new RoomfulError('bad_request', `unable to accept ${name}; it is one of ${values.join(', ')}`)
      return raw as T
    },
  }
}

/** A JSON body checked by `schema`. An empty body reads as `{}`, so a body whose fields are all
 * optional may be left out. */
export function jsonBody<T>(schema: Schema<T>): BodySpec<T> {
  return {
    contentType: 'application/json',
    schema: schema.json(),
    errors: {
      malformed_json: 'the body is not JSON',
      bad_request: 'the body does not match its schema (unknown fields are refused)',
      payload_too_large: `JSON bodies are limited to ${MAX_JSON_BYTES / 1024} KiB`,
    },
    async read(req) {
      const text = (await readBoundedBody(req, MAX_JSON_BYTES)).toString('utf8')
      let raw: unknown
      try {
        raw = JSON.parse(text || '{}')
      } catch {
        throw new RoomfulError('malformed_json', 'unable to read the body; it is not valid JSON')
      }
      const parsed = schema.parse(raw)
      if (!parsed.ok) throw new RoomfulError('bad_request', `unable to accept the body; ${parsed.issue}`)
      return parsed.value
    },
  }
}

/** The raw body, at most `max(limits)` bytes; `limit` says which limit, for the document. */
export function bytesBody(max: (limits: Limits) => number, limit: string): BodySpec<Buffer> {
  return {
    contentType: 'application/octet-stream',
    schema: { type: 'string', format: 'binary' },
    errors: { payload_too_large: `over ${limit}` },
    read(req, limits) {
      return readBoundedBody(req, max(limits))
    },
  }
}
