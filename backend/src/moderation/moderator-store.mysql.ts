import type { Mysql, ResultHeader, Row } from '../storage/mysql.js'
import type { ModeratorGrant, ModeratorStore } from './moderator-store.js'

/** Moderator grants in MySQL (`moderators`, migration 7). */
export class MysqlModeratorStore implements ModeratorStore {
  constructor(private readonly db: Mysql) {}

  async grant(g: ModeratorGrant): Promise<boolean> {
    const result = await this.db.query<ResultHeader>(
      'INSERT IGNORE INTO moderators (app_id, user_id, granted_by, granted_at) VALUES (?, ?, ?, ?)',
      [g.appId, g.userId, g.grantedBy, g.grantedAt],
    )
    return result.affectedRows > 0
  }

  async revoke(appId: string, userId: string): Promise<boolean> {
    const result = await this.db.query<ResultHeader>(
      'DELETE FROM moderators WHERE app_id = ? AND user_id = ?',
      [appId, userId],
    )
    return result.affectedRows > 0
  }

  async list(appId: string): Promise<ModeratorGrant[]> {
    const rows = await this.db.query<Row[]>(
      'SELECT user_id, granted_by, granted_at FROM moderators WHERE app_id = ? ORDER BY granted_at, user_id',
      [appId],
    )
    return rows.map((row) => ({
      appId,
      userId: row.user_id,
      grantedBy: row.granted_by,
      grantedAt: row.granted_at as Date,
    }))
  }
}
