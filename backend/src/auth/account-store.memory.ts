import { RoomfulError } from '../errors.js'
import type { AccountRecord, AccountStore, ConsumeResult, RefreshTokenRecord } from './account-store.js'

interface StoredToken {
  record: RefreshTokenRecord
  used: boolean
  revoked: boolean
}

/** Hosted accounts and refresh tokens in process memory (embedded mode). */
export class MemoryAccountStore implements AccountStore {
  private readonly byId = new Map<string, AccountRecord>()
  private readonly byEmail = new Map<string, AccountRecord>()
  private readonly tokens = new Map<string, StoredToken>()

  async create(account: AccountRecord): Promise<AccountRecord> {
    const email = account.email.toLowerCase()
    const emailKey = key(account.appId, email)
    if (this.byEmail.has(emailKey)) throw new RoomfulError('email_taken')
    const record = { ...account, email, createdAt: new Date(account.createdAt) }
    this.byEmail.set(emailKey, record)
    this.byId.set(key(account.appId, account.id), record)
    return { ...record }
  }

  async findByEmail(appId: string, email: string): Promise<AccountRecord | null> {
    const found = this.byEmail.get(key(appId, email.toLowerCase()))
    return found ? { ...found } : null
  }

  async get(appId: string, accountId: string): Promise<AccountRecord | null> {
    const found = this.byId.get(key(appId, accountId))
    return found ? { ...found } : null
  }

  async saveRefreshToken(token: RefreshTokenRecord): Promise<void> {
    this.tokens.set(token.hash, { record: { ...token }, used: false, revoked: false })
  }

  async consumeRefreshToken(appId: string, hash: string): Promise<ConsumeResult> {
    const token = this.tokens.get(hash)
    // A token of another app is as unknown here as one never issued.
    if (!token || token.record.appId !== appId) return { status: 'unknown' }
    if (token.used || token.revoked) return { status: 'reused', record: { ...token.record } }
    token.used = true
    return { status: 'ok', record: { ...token.record } }
  }

  async revokeFamily(appId: string, familyId: string): Promise<void> {
    for (const token of this.tokens.values()) {
      if (token.record.appId === appId && token.record.familyId === familyId) token.revoked = true
    }
  }
}

const key = (appId: string, id: string) => `${appId}\u0000${id}`
