import type { Op } from './frames.js'
import { MAX_TOKEN_CHARS } from './limits.js'
import { boolean, integer, literal, object, oneOf, optional, string, type Schema } from './schema.js'

/** Ids of rooms, apps and users: short, URL-safe, no separators our keys use. */
export const idSchema = string({ min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/ })
const requestId = string({ min: 1, max: 64 })
const seq = integer({ min: 0 })
const pageSize = integer({ min: 1, max: 1000 })
/** User ids come from tokens' `sub` (at most 128 characters of any text). */
export const userIdSchema = string({ min: 1, max: 128 })
/** At most ten years; longer is "until lifted" (leave it out). */
export const MAX_SANCTION_SECONDS = 10 * 365 * 24 * 3600

/** What a ban or mute says, over the socket and the admin API alike. */
export const sanctionFields = {
  userId: userIdSchema,
  roomId: optional(idSchema),
  durationSeconds: optional(integer({ min: 1, max: MAX_SANCTION_SECONDS })),
  reason: optional(string({ min: 1, max: 500, trim: true })),
}
export const sanctionKindSchema = oneOf(['ban', 'mute'] as const)
const lift = { userId: userIdSchema, roomId: optional(idSchema) }

/** Slow mode's upper bound: six hours between two sends. */
export const MAX_SLOW_MODE_SECONDS = 21_600
/** The longest reason a report may give. */
export const MAX_REPORT_REASON = 500
/** A change of room settings: each optional, absent ones unchanged. */
const roomSettings = {
  slowModeSeconds: optional(integer({ min: 0, max: MAX_SLOW_MODE_SECONDS })),
  readOnly: optional(boolean()),
  archived: optional(boolean()),
}
const reportReason = string({ min: 1, max: MAX_REPORT_REASON, trim: true })
export const reportStatus = oneOf(['open', 'resolved'] as const)

/**
 * One schema per client frame, keyed by `op`. Message length and page size upper bounds are
 * per-app limits checked after parsing; these bounds only reject the absurd.
 */
export const clientFrameSchemas = {
  auth: object({
    op: literal('auth'),
    id: requestId,
    token: optional(string({ min: 1, max: MAX_TOKEN_CHARS })),
    guest: optional(boolean()),
  }),
  join: object({
    op: literal('join'),
    id: requestId,
    room: idSchema,
    sinceSeq: optional(seq),
    limit: optional(pageSize),
  }),
  leave: object({ op: literal('leave'), id: requestId, room: idSchema }),
  send: object({
    op: literal('send'),
    id: requestId,
    room: idSchema,
    clientId: string({ min: 1, max: 64 }),
    text: string({ min: 0, max: 1_000_000 }),
    attachmentId: optional(idSchema),
  }),
  edit: object({
    op: literal('edit'),
    id: requestId,
    room: idSchema,
    messageId: idSchema,
    text: string({ min: 0, max: 1_000_000 }),
  }),
  delete: object({ op: literal('delete'), id: requestId, room: idSchema, messageId: idSchema }),
  'room.update': object({
    op: literal('room.update'),
    id: requestId,
    room: idSchema,
    ...roomSettings,
  }),
  'room.delete': object({ op: literal('room.delete'), id: requestId, room: idSchema }),
  report: object({
    op: literal('report'),
    id: requestId,
    room: idSchema,
    messageId: idSchema,
    reason: reportReason,
  }),
  'reports.list': object({
    op: literal('reports.list'),
    id: requestId,
    status: optional(reportStatus),
    limit: optional(pageSize),
    cursor: optional(idSchema),
  }),
  'report.resolve': object({ op: literal('report.resolve'), id: requestId, reportId: idSchema }),
  history: object({
    op: literal('history'),
    id: requestId,
    room: idSchema,
    before: optional(integer({ min: 1 })),
    limit: optional(pageSize),
  }),
  typing: object({ op: literal('typing'), id: requestId, room: idSchema }),
  'ranking.subscribe': object({ op: literal('ranking.subscribe'), id: requestId }),
  'ranking.unsubscribe': object({ op: literal('ranking.unsubscribe'), id: requestId }),
  'rooms.subscribe': object({ op: literal('rooms.subscribe'), id: requestId }),
  'rooms.unsubscribe': object({ op: literal('rooms.unsubscribe'), id: requestId }),
  'moderation.ban': object({ op: literal('moderation.ban'), id: requestId, ...sanctionFields }),
  'moderation.mute': object({ op: literal('moderation.mute'), id: requestId, ...sanctionFields }),
  'moderation.unban': object({ op: literal('moderation.unban'), id: requestId, ...lift }),
  'moderation.unmute': object({ op: literal('moderation.unmute'), id: requestId, ...lift }),
  'moderation.sanctions': object({
    op: literal('moderation.sanctions'),
    id: requestId,
    kind: optional(sanctionKindSchema),
    roomId: optional(idSchema),
  }),
  ping: object({ op: literal('ping'), id: requestId }),
} satisfies Record<Op, Schema<unknown>>

export const isOp = (value: unknown): value is Op =>
  typeof value === 'string' && Object.prototype.hasOwnProperty.call(clientFrameSchemas, value)

const email = string({ min: 3, max: 254, trim: true, pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/ })
const displayName = string({ min: 1, max: 64, trim: true })

/** REST request bodies. */
export const bodySchemas = {
  signup: object({ email, password: string({ min: 8, max: 256 }), displayName }),
  login: object({ email, password: string({ min: 1, max: 256 }) }),
  refresh: object({ refreshToken: string({ min: 16, max: 256 }) }),
  editMessage: object({ text: string({ min: 0, max: 1_000_000 }) }),
  updateRoom: object(roomSettings),
  report: object({ reason: reportReason }),
  createRoom: object({
    name: string({ min: 1, max: 80, trim: true }),
    topic: optional(string({ min: 0, max: 280, trim: true })),
  }),
}
