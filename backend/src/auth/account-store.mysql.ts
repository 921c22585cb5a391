import { RoomfulError } from '../errors.js'
import { isDuplicateKey, type Mysql, type ResultHeader, type Row } from '../storage/mysql.js'
import type { AccountRecord, AccountStore, ConsumeResult, RefreshTokenRecord } from './account-store.js'

const ACCOUNT = 'id, app_id, email, password_hash, display_name, avatar, created_at'
const TOKEN = 'hash, app_id, account_id, family_id, expires_at, used_at, revoked'

/** Hosted accounts and refresh tokens in MySQL. */
export class MysqlAccountStore implements AccountStore {
  constructor(private readonly db: Mysql) {}

  async create(account: AccountRecord): Promise<AccountRecord> {
    const record = { ...account, email: account.email.toLowerCase() }
    try {
      await this.db.query(`INSERT INTO accounts (${ACCOUNT}) VALUES (?, ?, ?, ?, ?, ?, ?)`, [
        record.id,
        record.appId,
        record.email,
        record.passwordHash,
        record.displayName,
        record.avatar,
        record.createdAt,
      ])
    } catch (err) {
      // The unique (app_id, email) index decides, so two signups racing cannot both win.
      if (isDuplicateKey(err)) throw new RoomfulError('email_taken', undefined, { cause: err })
      throw err
    }
    return record
  }

  async findByEmail(appId: string, email: string): Promise<AccountRecord | null> {
    const rows = await this.db.query<Row[]>(
      `SELECT ${ACCOUNT} FROM accounts WHERE app_id = ? AND email = ?`,
      [appId, email.toLowerCase()],
    )
    return rows[0] ? toAccount(rows[0]) : null
  }

  async get(appId: string, accountId: string): Promise<AccountRecord | null> {
    const rows = await this.db.query<Row[]>(`SELECT ${ACCOUNT} FROM accounts WHERE app_id = ? AND id = ?`, [
      appId,
      accountId,
    ])
    return rows[0] ? toAccount(rows[0]) : null
  }

  async saveRefreshToken(token: RefreshTokenRecord): Promise<void> {
    await this.db.query(`INSERT INTO refresh_tokens (${TOKEN}) VALUES (?, ?, ?, ?, ?, NULL, 0)`, [
      token.hash,
      token.appId,
      token.accountId,
      token.familyId,
      token.expiresAt,
    ])
  }

  async consumeRefreshToken(appId: string, hash: string): Promise<ConsumeResult> {
    // The conditional UPDATE is the atomic step: of two concurrent refreshes with the same
    // token exactly one changes the row, the other then sees it spent.
    const result = await this.db.query<ResultHeader>(
      'UPDATE refresh_tokens SET used_at = ? WHERE hash = ? AND app_id = ? AND used_at IS NULL AND revoked = 0',
      [new Date(), hash, appId],
    )
    const rows = await this.db.query<Row[]>(
      `SELECT ${TOKEN} FROM refresh_tokens WHERE hash = ? AND app_id = ?`,
      [hash, appId],
    )
    const row = rows[0]
    if (!row) return { status: 'unknown' }
    const record: RefreshTokenRecord = {
      hash: row.hash,
      appId: row.app_id,
      accountId: row.account_id,
      familyId: row.family_id,
      expiresAt: row.expires_at as Date,
    }
    return { status: result.affectedRows === 1 ? 'ok' : 'reused', record }
  }

  async revokeFamily(appId: string, familyId: string): Promise<void> {
    await this.db.query('UPDATE refresh_tokens SET revoked = 1 WHERE app_id = ? AND family_id = ?', [
      appId,
      familyId,
    ])
  }
}

function toAccount(row: Row): AccountRecord {
  return {
    id: row.id,
    appId: row.app_id,
    email: row.email,
    passwordHash: row.password_hash,
    displayName: row.display_name,
    avatar: row.avatar,
    createdAt: row.created_at as Date,
  }
}
