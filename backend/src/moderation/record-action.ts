import type { Logger } from '../logger.js'
import type { AuditLog, AuditRecord } from './audit-log.js'

/**
 * Writes the audit entry of an action that already took effect: one that cannot be written is
 * logged, not refused, as the action stands either way.
 */
export async function recordAction(
  audit: Pick<AuditLog, 'record'> | undefined,
  log: Logger,
  entry: AuditRecord,
): Promise<void> {
  await audit
    ?.record(entry)
    .catch((err: unknown) =>
      log.warn(
        { err, action: entry.action, room: entry.roomId },
        'unable to record a moderation action in the audit log',
      ),
    )
}
