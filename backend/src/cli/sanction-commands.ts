import { announcer } from './announcer.js'
import { appArg } from './app-arg.js'
import { parseDuration } from '../apps/app-admin.js'
import { RoomfulError } from '../errors.js'
import { createLogger } from '../logger.js'
import { createAuditLog } from '../moderation/audit-log.js'
import { MysqlAuditStore } from '../moderation/audit-store.mysql.js'
import { ModerationActions } from '../moderation/moderation-actions.js'
import { ModeratorGrants } from '../moderation/moderator-grants.js'
import { MysqlModeratorStore } from '../moderation/moderator-store.mysql.js'
import { MysqlSanctionStore } from '../moderation/sanction-store.mysql.js'
import { SanctionsService } from '../moderation/sanctions-service.js'
import { ADMIN_ACTOR } from '../messages/messages-service.js'
import { MysqlRoomStore } from '../rooms/room-store.mysql.js'
import type { WebhookCommandContext } from './webhook-commands.js'

export const SANCTION_USAGE = `  ban <appId> <userId> [--room <roomId>] [--for 1h] [--reason "…"]
  mute <appId> <userId> [--room <roomId>] [--for 1h] [--reason "…"]
      App-wide unless --room; until lifted unless --for. Replaces a sanction of the same kind,
      user and scope. With REDIS_URL (and REDIS_PREFIX as the nodes have them) running nodes
      apply it at once; without, within their 10 s re-read. The CLI sends no user.banned
      webhook (the admin REST API does).
  unban <appId> <userId> [--room <roomId>] | unmute <appId> <userId> [--room <roomId>]
  list-sanctions <appId> [--room <roomId>]   Bans and mutes in force, newest first.`

export const SANCTION_OPTIONS = {
  room: { type: 'string' },
  for: { type: 'string' },
  reason: { type: 'string' },
} as const

export interface SanctionCommandValues {
  room?: string
  for?: string
  reason?: string
}

const COMMANDS = new Set(['ban', 'mute', 'unban', 'unmute', 'list-sanctions'])

/** Runs `command` when it is a sanction command; false when it is not one. */
export async function runSanctionCommand(
  command: string,
  values: SanctionCommandValues,
  { db, env, print, arg }: WebhookCommandContext,
): Promise<boolean> {
  if (!COMMANDS.has(command)) return false
  const appId = await appArg(db, arg)
  const log = createLogger('warn')
  const bus = announcer(env)
  const rooms = new MysqlRoomStore(db)
  const actions = new ModerationActions({
    sanctions: new SanctionsService({ store: new MysqlSanctionStore(db), bus, log }),
    grants: new ModeratorGrants(new MysqlModeratorStore(db), bus),
    requireRoom: async (app, roomId) => {
      if (!(await rooms.get(app, roomId))) throw new RoomfulError('room_not_found', `no room "${roomId}"`)
    },
    // The operator's key may sanction anyone, moderators included.
    connectedAsModerator: () => false,
    audit: createAuditLog(new MysqlAuditStore(db)),
    log,
  })
  const roomId = values.room ?? null
  const actor = { ...ADMIN_ACTOR, id: 'cli' }
  try {
    if (command === 'list-sanctions') {
      for (const s of await actions.list(appId, actor, roomId === null ? {} : { roomId }))
        print(
          [
            s.kind,
            s.userId,
            s.roomId ?? '(app)',
            s.expiresAt ?? '(until lifted)',
            s.createdBy,
            s.reason ?? '',
          ].join('\t'),
        )
      return true
    }
    const userId = arg(1, 'a user id')
    const kind = command === 'ban' || command === 'unban' ? 'ban' : 'mute'
    if (command === 'ban' || command === 'mute') {
      const durationSeconds = values.for === undefined ? undefined : parseDuration(values.for) / 1000
      if (durationSeconds !== undefined && durationSeconds < 1)
        throw new RoomfulError('bad_request', 'unable to sanction; --for must be at least 1s')
      const sanction = await actions.impose(appId, actor, {
        kind,
        userId,
        roomId,
        durationSeconds: durationSeconds && Math.round(durationSeconds),
        reason: values.reason ?? null,
      })
      print(JSON.stringify(sanction, null, 2))
    } else {
      const lifted = await actions.lift(appId, actor, { kind, userId, roomId })
      if (!lifted) throw new RoomfulError('not_found', `${userId} has no ${kind} of that scope in force`)
      print(`${userId}: ${kind} lifted`)
    }
    return true
  } finally {
    await bus.close()
  }
}
