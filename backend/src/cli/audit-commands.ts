import { appArg } from './app-arg.js'
import { createAuditLog } from '../moderation/audit-log.js'
import { MysqlAuditStore } from '../moderation/audit-store.mysql.js'
import { auditPage } from '../moderation/audit-view.js'
import type { WebhookCommandContext } from './webhook-commands.js'

export const AUDIT_USAGE = `  audit <appId> [--before <entryId>]
      The app's moderation actions (deletes by moderators, bans, mutes, room changes, …),
      newest first, 50 at a time.`

const PAGE = 50

/** Runs `command` when it is an audit command; false when it is not one. */
export async function runAuditCommand(
  command: string,
  values: { before?: string },
  { db, print, arg }: Pick<WebhookCommandContext, 'db' | 'print' | 'arg'>,
): Promise<boolean> {
  if (command !== 'audit') return false
  const appId = await appArg(db, arg)
  const page = auditPage(
    await createAuditLog(new MysqlAuditStore(db)).list(appId, { limit: PAGE, before: values.before }),
    PAGE,
  )
  for (const e of page.entries)
    print(
      [
        e.at,
        e.actor,
        e.action,
        e.roomId ?? '-',
        e.targetUserId ?? '-',
        e.targetMessageId ?? '-',
        e.reason ?? '',
      ].join('\t'),
    )
  if (page.nextCursor) print(`(more: --before ${page.nextCursor})`)
  return true
}
