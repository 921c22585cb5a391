import type { AuditEntryView, ModelSchema } from '@roomful/sdk/protocol'
import type { AuditAction, AuditEntry } from './audit-log.js'

export interface AuditPage {
  entries: AuditEntryView[]
  /** Pass as `before` for the next, older page; null when there is none. */
  nextCursor: string | null
}

export const AUDIT_ACTIONS: readonly AuditAction[] = [
  'message.delete',
  'user.ban',
  'user.unban',
  'user.mute',
  'user.unmute',
  'room.update',
  'room.delete',
  'report.resolve',
  'moderator.grant',
  'moderator.revoke',
]

export function auditPage(entries: AuditEntry[], limit: number): AuditPage {
  return {
    entries: entries.map(({ appId: _, at, ...rest }) => ({ ...rest, at: at.toISOString() })),
    nextCursor: entries.length === limit ? entries[entries.length - 1]!.id : null,
  }
}

const maybeText = { type: ['string', 'null'] }

export const auditModels = {
  AuditEntry: {
    type: 'object',
    description: 'One moderation action: who did what to whom, when and why.',
    required: [
      'id',
      'at',
      'actor',
      'action',
      'roomId',
      'targetUserId',
      'targetMessageId',
      'reason',
      'details',
    ],
    properties: {
      id: { type: 'string', description: 'Sorts by time; the `before` cursor of the list.' },
      at: { type: 'string', format: 'date-time' },
      actor: { type: 'string', description: "The moderator's user id, or `admin` for the admin key." },
      action: { enum: [...AUDIT_ACTIONS] },
      roomId: { ...maybeText, description: 'The room acted on or in; null for app-wide actions.' },
      targetUserId: { ...maybeText, description: 'The user acted on (or whose message it was).' },
      targetMessageId: maybeText,
      reason: maybeText,
      details: {
        type: ['object', 'null'],
        description: 'What else the action set, e.g. `expiresAt` of a ban or the new room settings.',
      },
    },
  } satisfies ModelSchema<AuditEntryView>,
}
