import type { Room } from '@roomful/sdk/protocol'
import { RoomfulError } from '../errors.js'
import type { AttachmentsService } from '../attachments/attachments-service.js'
import type { Logger } from '../logger.js'
import type { AuditLog } from '../moderation/audit-log.js'
import { recordAction } from '../moderation/record-action.js'
import type { Actor } from '../messages/messages-service.js'
import type { RankingScheduler } from '../ranking/ranking-scheduler.js'
import type { Webhooks } from '../webhooks/webhooks.js'
import type { RoomControl } from './room-control.js'
import type { RoomSettingsPatch, RoomStore } from './room-store.js'
import { RoomsService } from './rooms-service.js'

/** Refuses anyone but a moderator or the admin key. */
export function requireModerator(actor: Actor, what: string): void {
  if (!actor.moderator && !actor.admin)
    throw new RoomfulError('forbidden', `unable to ${what}; only moderators may`)
}

/** Moderators' changes to rooms: settings (slow mode, read-only, archive) and deletion. */
export class RoomModeration {
  constructor(
    private readonly deps: {
      rooms: RoomStore
      service: Pick<RoomsService, 'view'>
      control: Pick<RoomControl, 'announce'>
      ranking: Pick<RankingScheduler, 'request'>
      audit?: Pick<AuditLog, 'record'>
      /** Webhook bodies still to be sent hold the room's texts: they lose them with the room. */
      webhooks?: Pick<Webhooks, 'forgetRoom'>
      /** The image files of a deleted room's attachments (absent in the CLI, which has none). */
      attachments?: Pick<AttachmentsService, 'idsInRoom' | 'removeFiles'>
      log: Logger
    },
  ) {}

  /** Stores the new settings and applies them live on every node; the room as it is now. */
  async update(appId: string, roomId: string, actor: Actor, patch: RoomSettingsPatch): Promise<Room> {
    requireModerator(actor, 'change the room')
    const record = await this.deps.rooms.update(appId, roomId, patch)
    if (!record) throw new RoomfulError('room_not_found', `unable to change the room; no room ${roomId}`)
    const room = await this.deps.service.view(record)
    await this.deps.control.announce({ type: 'room.updated', appId, room })
    // Archiving takes a room off the board, unarchiving may put it back.
    if (patch.archived !== undefined) this.deps.ranking.request(appId)
    await this.audited(appId, roomId, actor, 'room.update', {
      settings: Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
    })
    return room
  }

  /** Removes the room with its messages; every node takes its members out of it. */
  async delete(appId: string, roomId: string, actor: Actor): Promise<Room> {
    requireModerator(actor, 'delete the room')
    const record = await this.deps.rooms.get(appId, roomId)
    // Read before: the records go with the room, the files after it.
    const attachmentIds = record ? ((await this.deps.attachments?.idsInRoom(appId, roomId)) ?? []) : []
    if (!record || !(await this.deps.rooms.delete(appId, roomId)))
      throw new RoomfulError('room_not_found', `unable to delete the room; no room ${roomId}`)
    const room = RoomsService.toRoom(record, 0)
    await this.deps.control.announce({ type: 'room.deleted', appId, room })
    // The room is gone either way: a failure here is logged rather than refused.
    await this.deps.webhooks
      ?.forgetRoom(appId, roomId)
      .catch((err: unknown) =>
        this.deps.log.warn({ err, room: roomId }, 'unable to erase a deleted room from webhook bodies'),
      )
    this.deps.ranking.request(appId)
    await this.deps.attachments
      ?.removeFiles(appId, attachmentIds)
      .catch((err: unknown) =>
        this.deps.log.warn({ err, room: roomId }, 'unable to remove the image files of a deleted room'),
      )
    await this.audited(appId, roomId, actor, 'room.delete', { name: record.name, lastSeq: record.lastSeq })
    return room
  }

  private audited(
    appId: string,
    roomId: string,
    actor: Actor,
    action: 'room.update' | 'room.delete',
    details: Record<string, unknown>,
  ): Promise<void> {
    return recordAction(this.deps.audit, this.deps.log, {
      appId,
      actor: actor.id,
      action,
      roomId,
      targetUserId: null,
      targetMessageId: null,
      reason: null,
      details,
    })
  }
}
