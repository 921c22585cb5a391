/**
 * JSON Schema descriptions of the models in `models.ts` and of the REST error body, for the
 * REST API document only (nothing validates with them). Each is checked against its
 * TypeScript interface: every field described, no field invented, only required fields
 * listed as required. A model used inside another is the same object, so a document
 * generator can turn it into one shared component.
 */
import type { WireError } from './errors.js'
import type { HistoryResult } from './frames.js'
import type {
  Attachment,
  AuthSession,
  Identity,
  Message,
  Page,
  RankingBoard,
  Report,
  Room,
  Sanction,
  UserProfile,
} from './models.js'
import { ERROR_CODES } from './errors.js'

export type JsonSchema = Record<string, unknown>

type RequiredKey<T> = { [K in keyof T]-?: undefined extends T[K] ? never : K }[keyof T]

/** JSON Schema of an object model whose fields are exactly those of `T`. */
export interface ModelSchema<T> {
  type: 'object'
  description?: string
  required: ReadonlyArray<RequiredKey<T>>
  properties: { [K in keyof T]-?: JsonSchema }
}

const id = { type: 'string' }
const time = { type: 'string', format: 'date-time' }

const userProfile = {
  type: 'object',
  required: ['id', 'name', 'avatar'],
  properties: {
    id,
    name: { type: 'string' },
    avatar: { type: ['string', 'null'], description: 'An http(s) URL, or null.' },
  },
} satisfies ModelSchema<UserProfile>

const room = {
  type: 'object',
  required: [
    'id',
    'name',
    'topic',
    'createdAt',
    'createdBy',
    'occupancy',
    'lastSeq',
    'slowModeSeconds',
    'readOnly',
    'archived',
  ],
  properties: {
    id,
    name: { type: 'string' },
    topic: { type: ['string', 'null'] },
    createdAt: { ...time, description: 'The room list is ordered by it, newest first.' },
    createdBy: { type: 'string', description: 'User id of the creator.' },
    occupancy: { type: 'integer', description: 'Distinct users in the room now.' },
    occupancyUnknown: {
      const: true,
      description:
        'Present only when presence could not be read (Redis down): occupancy is then 0 and unknown.',
    },
    lastSeq: { type: 'integer', description: 'Seq of the newest message; 0 when empty.' },
    slowModeSeconds: {
      type: 'integer',
      minimum: 0,
      maximum: 21600,
      description: 'Each user (moderators aside) sends at most once per this many seconds; 0 = off.',
    },
    readOnly: { type: 'boolean', description: 'Only moderators may send.' },
    archived: {
      type: 'boolean',
      description: 'Hidden from the room list and the ranking; sends refused, history readable.',
    },
  },
} satisfies ModelSchema<Room>

const attachment = {
  type: 'object',
  required: ['id', 'contentType', 'bytes', 'width', 'height', 'url', 'thumbnailUrl'],
  properties: {
    id,
    contentType: { type: 'string' },
    bytes: { type: 'integer' },
    width: { type: 'integer' },
    height: { type: 'integer' },
    url: { type: 'string' },
    thumbnailUrl: { type: ['string', 'null'] },
  },
} satisfies ModelSchema<Attachment>

const message = {
  type: 'object',
  required: ['id', 'roomId', 'seq', 'kind', 'user', 'text', 'clientId', 'createdAt'],
  properties: {
    id,
    roomId: id,
    seq: { type: 'integer', minimum: 1, description: 'Strictly increasing per room, no gaps.' },
    kind: {
      type: 'string',
      enum: ['text', 'notice', 'image', 'edit', 'delete'],
      description: '`edit` and `delete` are changes to the message named by `target`, in seq order.',
    },
    user: userProfile,
    text: { type: 'string', description: 'Empty for notices. Render as text, never as HTML.' },
    clientId: { type: ['string', 'null'], description: "The sender's idempotency key; null for notices." },
    createdAt: time,
    notice: { type: 'string', enum: ['join', 'leave'], description: 'Only on notices.' },
    attachment,
    target: { ...id, description: 'Only on `edit` and `delete`: the id of the message changed.' },
    editedAt: { ...time, description: 'Present once the message was edited: when it last was.' },
    deletedAt: {
      ...time,
      description: 'Present on a deleted message (a tombstone: text empty, no attachment).',
    },
    deletedBy: {
      type: 'string',
      description: 'On a deleted message: who deleted it (a user id, or `admin`).',
    },
  },
} satisfies ModelSchema<Message>

const report = {
  type: 'object',
  required: [
    'id',
    'roomId',
    'messageId',
    'reportedBy',
    'reason',
    'status',
    'createdAt',
    'resolvedBy',
    'resolvedAt',
  ],
  properties: {
    id,
    roomId: id,
    messageId: id,
    reportedBy: { type: 'string', description: 'User id of the reporter.' },
    reason: { type: 'string', maxLength: 500 },
    status: { type: 'string', enum: ['open', 'resolved'] },
    createdAt: time,
    resolvedBy: {
      type: ['string', 'null'],
      description: 'User id of the moderator who resolved it (`admin` for the admin key); null while open.',
    },
    resolvedAt: { type: ['string', 'null'], format: 'date-time' },
    message: { ...message, description: 'The reported message as it is now (a tombstone once deleted).' },
  },
} satisfies ModelSchema<Report>

const rankingBoard = {
  type: 'object',
  required: ['entries', 'updatedAt'],
  properties: {
    entries: {
      type: 'array',
      items: {
        type: 'object',
        required: ['roomId', 'name', 'occupancy', 'lastActivityAt'],
        properties: {
          roomId: id,
          name: { type: 'string' },
          occupancy: { type: 'integer' },
          lastActivityAt: { type: ['string', 'null'], format: 'date-time' },
        },
      },
    },
    updatedAt: time,
  },
} satisfies ModelSchema<RankingBoard>

const sanction = {
  type: 'object',
  required: ['kind', 'userId', 'roomId', 'reason', 'createdBy', 'createdAt', 'expiresAt'],
  properties: {
    kind: {
      type: 'string',
      enum: ['ban', 'mute'],
      description: '`ban` keeps the user out; `mute` lets them read only.',
    },
    userId: { type: 'string' },
    roomId: { type: ['string', 'null'], description: 'null: app-wide.' },
    reason: { type: ['string', 'null'] },
    createdBy: { type: 'string', description: "The moderator's user id, or `admin` for the admin key." },
    createdAt: time,
    expiresAt: { type: ['string', 'null'], format: 'date-time', description: 'null: until lifted.' },
  },
} satisfies ModelSchema<Sanction>

const wireError = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'string', enum: Object.keys(ERROR_CODES), description: 'Stable; switch on it.' },
    message: { type: 'string', description: 'For humans; may change.' },
    retryAfterMs: {
      type: 'integer',
      description: 'On `slow_mode`: milliseconds until the next send is allowed.',
    },
  },
} satisfies ModelSchema<WireError>

/** The models REST answers with, by the name the document gives them. */
export const modelSchemas = {
  UserProfile: userProfile,
  Identity: {
    type: 'object',
    required: ['id', 'name', 'avatar', 'guest'],
    properties: {
      ...userProfile.properties,
      guest: { type: 'boolean' },
      moderator: { type: 'boolean', enum: [true], description: 'Present (true) for a moderator of the app.' },
    },
  } satisfies ModelSchema<Identity>,
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
  } satisfies ModelSchema<AuthSession>,
  Room: room,
  RoomPage: {
    type: 'object',
    required: ['items', 'nextCursor'],
    properties: {
      items: { type: 'array', items: room },
      nextCursor: {
        type: ['string', 'null'],
        description: 'Pass back as `cursor` for the next (older) page; null on the last page.',
      },
    },
  } satisfies ModelSchema<Page<Room>>,
  Attachment: attachment,
  Message: message,
  MessagePage: {
    type: 'object',
    required: ['messages', 'hasMore'],
    properties: {
      messages: { type: 'array', items: message, description: 'Ascending by seq.' },
      hasMore: { type: 'boolean', description: 'True when the first message returned has seq > 1.' },
    },
  } satisfies ModelSchema<HistoryResult>,
  Report: report,
  ReportPage: {
    type: 'object',
    required: ['items', 'nextCursor'],
    properties: {
      items: { type: 'array', items: report, description: 'Newest first.' },
      nextCursor: { type: ['string', 'null'], description: 'Pass back as `cursor`; null on the last page.' },
    },
  } satisfies ModelSchema<Page<Report>>,
  RankingBoard: rankingBoard,
  Sanction: sanction,
  WireError: wireError,
  /** Every REST error answers with this body, with the status of its code. */
  Error: {
    type: 'object',
    required: ['error'],
    properties: { error: wireError },
  } satisfies ModelSchema<{ error: WireError }>,
}
