import { announcer } from './announcer.js'
import { appArg } from './app-arg.js'
import { userIdSchema } from '@roomful/sdk/protocol'
import { MysqlAccountStore } from '../auth/account-store.mysql.js'
import { RoomfulError } from '../errors.js'
import { createAuditLog } from '../moderation/audit-log.js'
import { MysqlAuditStore } from '../moderation/audit-store.mysql.js'
import { grantEntry } from '../moderation/moderation-actions.js'
import { ModeratorGrants } from '../moderation/moderator-grants.js'
import { MysqlModeratorStore } from '../moderation/moderator-store.mysql.js'
import type { Mysql } from '../storage/mysql.js'

export const MODERATOR_USAGE = `  grant-moderator <appId> <userId|email>
      Makes a user a moderator of the app: a hosted account (by its id, acct_…, or its email)
      or any user id. Applies at their next connection or REST call: at once on every node
      with REDIS_URL (and REDIS_PREFIX as the nodes have them), else within 3 s.
  revoke-moderator <appId> <userId|email>
  list-moderators <appId>         The granted moderators (host-token role claims are not listed).`

export interface ModeratorCommandContext {
  db: Mysql
  env: NodeJS.ProcessEnv
  print(line: string): void
  /** The positional argument at `index`, or a usage error naming `what`. */
  arg(index: number, what: string): string
}

/** Runs `command` if it is a moderator command; false when it is not one. */
export async function runModeratorCommand(command: string, ctx: ModeratorCommandContext): Promise<boolean> {
  if (!['grant-moderator', 'revoke-moderator', 'list-moderators'].includes(command)) return false
  const { db, print, arg } = ctx
  const appId = await appArg(db, arg)
  if (command === 'list-moderators') {
    for (const g of await new MysqlModeratorStore(db).list(appId))
      print(`${g.userId}\t${g.grantedBy}\t${g.grantedAt.toISOString()}`)
    return true
  }
  const userId = await resolveUser(db, appId, arg(1, 'a user id or an email'))
  const audit = createAuditLog(new MysqlAuditStore(db))
  const bus = announcer(ctx.env)
  const grants = new ModeratorGrants(new MysqlModeratorStore(db), bus)
  try {
    if (command === 'grant-moderator') {
      const { fresh } = await grants.grant(appId, userId, 'cli')
      if (fresh) await audit.record(grantEntry(appId, 'cli', 'moderator.grant', userId))
      print(
        fresh ? `${userId} is now a moderator of ${appId}` : `${userId} was already a moderator of ${appId}`,
      )
    } else {
      const revoked = await grants.revoke(appId, userId)
      if (!revoked) throw new RoomfulError('not_found', `${userId} is not a granted moderator of ${appId}`)
      await audit.record(grantEntry(appId, 'cli', 'moderator.revoke', userId))
      print(`${userId} is no longer a moderator of ${appId}`)
    }
  } finally {
    await bus.close()
  }
  return true
}

/** A hosted account named by its email is granted by its account id, which its tokens carry. */
async function resolveUser(db: Mysql, appId: string, given: string): Promise<string> {
  if (given.includes('@')) {
    const account = await new MysqlAccountStore(db).findByEmail(appId, given.toLowerCase())
    if (!account) throw new RoomfulError('not_found', `no account with email ${given} in ${appId}`)
    return account.id
  }
  if (!userIdSchema.parse(given).ok) throw new RoomfulError('bad_request', 'a user id is 1..128 characters')
  return given
}
