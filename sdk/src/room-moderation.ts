import type { Connection } from './connection.js'
import type { Page, Report, Room as RoomInfo, RoomSettings } from './protocol/models.js'

/**
 * What an app's moderators do to rooms and reports: `client.moderation`. Every call rejects
 * with `forbidden` for a user who is not a moderator (`client.user.moderator`).
 */
export interface RoomModeration {
  /**
   * Change a room's settings, live: its members get a `settings` event. Resolves with the room.
   *
   * @example
   * await client.moderation.updateRoom(roomId, { slowModeSeconds: 30, readOnly: false })
   */
  updateRoom(roomId: string, settings: Partial<RoomSettings>): Promise<RoomInfo>
  /**
   * Delete a room with its messages; its members get a `deleted` event and are out of it.
   *
   * @example
   * await client.moderation.deleteRoom(roomId)
   */
  deleteRoom(roomId: string): Promise<void>
  /**
   * The app's reports, newest first (default: the open ones).
   *
   * @example
   * const { items } = await client.moderation.reports({ status: 'open' })
   */
  reports(options?: { status?: 'open' | 'resolved'; limit?: number; cursor?: string }): Promise<Page<Report>>
  /**
   * Mark a report resolved; resolves with it.
   *
   * @example
   * await client.moderation.resolveReport(report.id)
   */
  resolveReport(reportId: string): Promise<Report>
}

export const createRoomModeration = (conn: Connection): RoomModeration => ({
  updateRoom: (room, settings) => conn.request('room.update', { room, ...settings }).then((r) => r.room),
  deleteRoom: (room) => conn.request('room.delete', { room }).then(() => {}),
  reports: (options) => conn.request('reports.list', { ...options }),
  resolveReport: (reportId) => conn.request('report.resolve', { reportId }).then((r) => r.report),
})
