import { appArg } from './app-arg.js'
import { Redis } from 'ioredis'
import { MAX_SLOW_MODE_SECONDS } from '@roomful/sdk/protocol'
import { channels } from '../bus/bus.js'
import { RoomfulError } from '../errors.js'
import { createLogger } from '../logger.js'
import { MysqlMessageStore } from '../messages/message-store.mysql.js'
import { ADMIN_ACTOR } from '../messages/messages-service.js'
import { createAuditLog } from '../moderation/audit-log.js'
import { MysqlAuditStore } from '../moderation/audit-store.mysql.js'
import { MysqlReportStore } from '../reports/report-store.mysql.js'
import { ReportsService } from '../reports/reports-service.js'
import { CLI_ORIGIN, lobbyFrame, roomControlPayload, type RoomControlEvent } from '../rooms/room-control.js'
import { RoomModeration } from '../rooms/room-moderation.js'
import { MysqlRoomStore } from '../rooms/room-store.mysql.js'
import { RoomsService } from '../rooms/rooms-service.js'
import type { RoomSettingsPatch } from '../rooms/room-store.js'
import type { WebhookCommandContext } from './webhook-commands.js'

export const ROOM_USAGE = `  update-room <appId> <roomId> [--slow-mode <seconds>] [--read-only | --no-read-only]
             [--archive | --no-archive]
      Changes a room's settings (--slow-mode 0 turns slow mode off) and prints the room.
  delete-room <appId> <roomId>    Deletes a room with its messages, attachment records and reports.
  list-reports <appId> [--resolved] [--before <reportId>]
      Open reports (or resolved ones), newest first, 50 at a time.
  resolve-report <appId> <reportId>
  With REDIS_URL (and REDIS_PREFIX as the nodes have them) room changes apply on running nodes
  at once: members are told, sends follow the new settings; without, nodes read the settings
  again within a minute and members of a deleted room are refused on their next send.`

/** The flags of the room commands, merged into the admin CLI's. */
export const ROOM_OPTIONS = {
  'slow-mode': { type: 'string' },
  'read-only': { type: 'boolean' },
  'no-read-only': { type: 'boolean' },
  archive: { type: 'boolean' },
  'no-archive': { type: 'boolean' },
  resolved: { type: 'boolean' },
} as const

export interface RoomCommandValues {
  'slow-mode'?: string
  'read-only'?: boolean
  'no-read-only'?: boolean
  archive?: boolean
  'no-archive'?: boolean
  resolved?: boolean
  before?: string
}

const json = (value: unknown) => JSON.stringify(value, null, 2)
const COMMANDS = new Set(['update-room', 'delete-room', 'list-reports', 'resolve-report'])

/** Runs `command` when it is a room or report command; false when it is not one. */
export async function runRoomCommand(
  command: string,
  values: RoomCommandValues,
  { db, env, print, arg }: WebhookCommandContext,
): Promise<boolean> {
  if (!COMMANDS.has(command)) return false
  const appId = await appArg(db, arg)
  const log = createLogger('warn')
  const audit = createAuditLog(new MysqlAuditStore(db))
  let redis: Redis | null = null
  const announce = async (event: RoomControlEvent) => {
    if (!env.REDIS_URL) return
    redis ??= new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1 })
    const prefix = env.REDIS_PREFIX || 'rf:'
    // The nodes' settings, and the lobby watchers' room lists.
    await redis
      .multi()
      .publish(`${prefix}${channels.roomControl()}`, roomControlPayload(event, CLI_ORIGIN))
      .publish(`${prefix}${channels.lobby(appId)}`, lobbyFrame(event))
      .exec()
  }
  const rooms = new MysqlRoomStore(db)
  const moderation = new RoomModeration({
    rooms,
    // The CLI reads no presence: the room goes out with its occupancy marked unknown.
    service: { view: async (record) => RoomsService.toRoom(record, null) },
    control: { announce },
    // Nodes that hear a change from the CLI ask for the ranking themselves (room-control.ts).
    ranking: { request: () => undefined },
    audit,
    log,
  })
  const reports = new ReportsService({
    reports: new MysqlReportStore(db),
    messages: new MysqlMessageStore(db),
    audit,
    log,
  })
  try {
    switch (command) {
      case 'update-room':
        print(json(await moderation.update(appId, arg(1, 'a room id'), ADMIN_ACTOR, settingsFrom(values))))
        return true
      case 'delete-room':
        await moderation.delete(appId, arg(1, 'a room id'), ADMIN_ACTOR)
        print(`deleted ${arg(1, 'a room id')}`)
        return true
      case 'list-reports': {
        const page = await reports.list(appId, ADMIN_ACTOR, {
          status: values.resolved ? 'resolved' : 'open',
          limit: 50,
          cursor: values.before,
        })
        for (const r of page.items)
          print(
            [
              r.id,
              r.status,
              r.createdAt,
              r.roomId,
              r.messageId,
              r.reportedBy,
              r.reason,
              r.message?.text ?? '',
            ].join('\t'),
          )
        if (page.nextCursor) print(`(more: --before ${page.nextCursor})`)
        return true
      }
      default:
        print(json(await reports.resolve(appId, ADMIN_ACTOR, arg(1, 'a report id'))))
        return true
    }
  } finally {
    await (redis as Redis | null)?.quit().catch(() => undefined)
  }
}

function settingsFrom(values: RoomCommandValues): RoomSettingsPatch {
  const patch: RoomSettingsPatch = {}
  const slow = values['slow-mode']
  if (slow !== undefined) {
    const seconds = Number(slow)
    if (!/^\d+$/.test(slow) || seconds > MAX_SLOW_MODE_SECONDS)
      throw new RoomfulError('bad_request', `--slow-mode takes whole seconds, 0..${MAX_SLOW_MODE_SECONDS}`)
    patch.slowModeSeconds = seconds
  }
  if (values['read-only']) patch.readOnly = true
  if (values['no-read-only']) patch.readOnly = false
  if (values.archive) patch.archived = true
  if (values['no-archive']) patch.archived = false
  if (Object.keys(patch).length === 0)
    throw new RoomfulError(
      'bad_request',
      'update-room needs --slow-mode, --read-only/--no-read-only or --archive/--no-archive',
    )
  return patch
}
