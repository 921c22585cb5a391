/**
 * The Roomful wire protocol, version 1: frame types, schemas, error codes, close codes and
 * limits. Shared by the SDK and the backend so both sides speak from one definition.
 */
export { ERROR_CODES, ERROR_MESSAGES, isErrorCode } from './errors.js'
export type { ErrorCode, WireError } from './errors.js'
export { CLOSE, shouldReconnect } from './close-codes.js'
export type { CloseCode } from './close-codes.js'
export {
  DEFAULT_LIMITS,
  DEFAULT_HISTORY_PAGE,
  DEFAULT_RANKING_SIZE,
  SUBPROTOCOL,
  AUTH_TIMEOUT_MS,
  MAX_TOKEN_CHARS,
} from './limits.js'
export type { Limits } from './limits.js'
export type * from './models.js'
export type * from './frames.js'
export {
  clientFrameSchemas,
  bodySchemas,
  idSchema,
  isOp,
  reportStatus,
  MAX_SLOW_MODE_SECONDS,
  MAX_REPORT_REASON,
  userIdSchema,
  sanctionFields,
  sanctionKindSchema,
  MAX_SANCTION_SECONDS,
} from './schemas.js'
export { clip, ECHO_MAX } from './clip.js'
export * as s from './schema.js'
export type { Schema, ParseResult, Infer } from './schema.js'
export { modelSchemas } from './model-schemas.js'
export type { JsonSchema, ModelSchema } from './model-schemas.js'
