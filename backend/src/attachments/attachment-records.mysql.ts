import type { Mysql, Row } from '../storage/mysql.js'
import type { AttachmentRecord, AttachmentRecords, ThumbnailState } from './attachment-records.js'

const COLUMNS =
  'app_id, id, room_id, uploader_id, content_type, bytes, width, height, thumbnail, origin, created_at'

export class MysqlAttachmentRecords implements AttachmentRecords {
  constructor(private readonly db: Mysql) {}

  async insert(r: AttachmentRecord): Promise<void> {
    await this.db.query(`INSERT INTO attachments (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
      r.appId,
      r.id,
      r.roomId,
      r.uploaderId,
      r.contentType,
      r.bytes,
      r.width,
      r.height,
      r.thumbnail,
      r.origin,
      r.createdAt,
    ])
  }

  async idsInRoom(appId: string, roomId: string): Promise<string[]> {
    const rows = await this.db.query<Row[]>('SELECT id FROM attachments WHERE app_id = ? AND room_id = ?', [
      appId,
      roomId,
    ])
    return rows.map((row) => row.id as string)
  }

  async get(appId: string, id: string): Promise<AttachmentRecord | null> {
    const rows = await this.db.query<Row[]>(
      `SELECT ${COLUMNS} FROM attachments WHERE app_id = ? AND id = ?`,
      [appId, id],
    )
    const row = rows[0]
    if (!row) return null
    return {
      appId: row.app_id,
      id: row.id,
      roomId: row.room_id,
      uploaderId: row.uploader_id,
      contentType: row.content_type,
      bytes: Number(row.bytes),
      width: Number(row.width),
      height: Number(row.height),
      thumbnail: row.thumbnail as ThumbnailState,
      origin: row.origin,
      createdAt: new Date(row.created_at),
    }
  }

  async setThumbnail(appId: string, id: string, state: ThumbnailState): Promise<void> {
    await this.db.query('UPDATE attachments SET thumbnail = ? WHERE app_id = ? AND id = ?', [
      state,
      appId,
      id,
    ])
  }
}
