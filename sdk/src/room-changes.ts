import type { Connection } from './connection.js'
import type { Message, Report } from './protocol/models.js'

/** Changing messages already in a room: the part of `Room` that edits and deletes. */
export interface Changes {
  /**
   * Replace the text of one of your messages. Resolves with it in its new state; every member
   * (you included) then gets a `change` event and sees it in `messages`. Rejects with a
   * `RoomfulError`: `forbidden` (not yours), `not_found` (unknown or deleted),
   * `message_too_long`.
   *
   * @example
   * await room.edit(message.id, 'fixed the typo')
   */
  edit(messageId: string, text: string): Promise<Message>
  /**
   * Delete one of your messages, or anyone's as a moderator. Resolves with the tombstone (text
   * '', `deletedAt`, `deletedBy`); members get a `change` event. Rejects with `forbidden` or
   * `not_found`.
   *
   * @example
   * await room.delete(message.id)
   */
  delete(messageId: string): Promise<Message>
  /**
   * Report a message to the app's moderators, with a reason (at most 500 characters).
   * Reporting the same message again resolves with the first report. Guests cannot report.
   *
   * @example
   * await room.report(message.id, 'spam')
   */
  report(messageId: string, reason: string): Promise<Report>
}

export function createChanges(conn: Connection, room: string): Changes {
  return {
    edit: (messageId, text) => conn.request('edit', { room, messageId, text }).then(({ message }) => message),
    delete: (messageId) => conn.request('delete', { room, messageId }).then(({ message }) => message),
    report: (messageId, reason) =>
      conn.request('report', { room, messageId, reason }).then(({ report }) => report),
  }
}
