/** A hosted account: email + password, belonging to one app. */
export interface AccountRecord {
  id: string
  appId: string
  /** Lower-cased. Unique per app: the same email on two apps is two accounts. */
  email: string
  passwordHash: string
  displayName: string
  avatar: string | null
  createdAt: Date
}

export interface RefreshTokenRecord {
  /** SHA-256 of the token, hex; the token itself is never stored. */
  hash: string
  appId: string
  accountId: string
  /** All tokens descending from one login share a family; reuse of a spent one revokes it. */
  familyId: string
  expiresAt: Date
}

export type ConsumeResult =
  | { status: 'ok'; record: RefreshTokenRecord }
  | { status: 'reused'; record: RefreshTokenRecord }
  | { status: 'unknown' }

export interface AccountStore {
  /** Throws RoomfulError('email_taken') when (appId, email) exists. */
  create(account: AccountRecord): Promise<AccountRecord>
  findByEmail(appId: string, email: string): Promise<AccountRecord | null>
  get(appId: string, accountId: string): Promise<AccountRecord | null>
  saveRefreshToken(token: RefreshTokenRecord): Promise<void>
  /** Atomically marks the token spent. 'reused' when it was already spent (or its family
   * revoked); expiry is the caller's check. */
  consumeRefreshToken(appId: string, hash: string): Promise<ConsumeResult>
  revokeFamily(appId: string, familyId: string): Promise<void>
}
