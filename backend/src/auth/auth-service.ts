import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { AuthSession } from '@roomful/sdk/protocol'
import type { AppRecord } from '../apps/app-store.js'
import { RoomfulError } from '../errors.js'
import { newSortableId } from '../ids.js'
import type { AccountRecord, AccountStore } from './account-store.js'
import type { HashQueue } from './hash-queue.js'
import { hashPassword, verifyPassword } from './passwords.js'
import { issueAccessToken } from './tokens.js'

const REFRESH_TTL_MS = 30 * 24 * 3600 * 1000
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex')

/** Hosted accounts: email + password per app, short-lived access tokens, rotating refresh tokens. */
export class AuthService {
  // Verifying against a real hash when the email is unknown keeps login time from telling
  // which emails have accounts.
  private readonly decoyHash = hashPassword(randomUUID())

  constructor(
    private readonly accounts: AccountStore,
    /** Every hash a request asks for goes through it; the decoy above is made once at start. */
    private readonly hashes: HashQueue,
    /** Refuses (with `banned`) a session for a user banned from the app. */
    private readonly assertNotBanned: (
      appId: string,
      userId: string,
      what: string,
    ) => Promise<void> = async () => {},
  ) {}

  /** `address`: the client's, which bounds its share of the hash queue. */
  async signup(
    app: AppRecord,
    input: { email: string; password: string; displayName: string },
    address: string,
  ): Promise<AuthSession> {
    const account = await this.accounts.create({
      id: newSortableId('acct_'),
      appId: app.id,
      email: input.email.toLowerCase(),
      passwordHash: await this.hashes.run(address, () => hashPassword(input.password)),
      displayName: input.displayName,
      avatar: null,
      createdAt: new Date(),
    })
    return this.startSession(app, account, randomUUID())
  }

  async login(
    app: AppRecord,
    input: { email: string; password: string },
    address: string,
  ): Promise<AuthSession> {
    const account = await this.accounts.findByEmail(app.id, input.email.toLowerCase())
    const stored = account?.passwordHash ?? (await this.decoyHash)
    const valid = await this.hashes.run(address, () => verifyPassword(input.password, stored))
    if (!account || !valid) throw new RoomfulError('invalid_credentials')
    return this.startSession(app, account, randomUUID())
  }

  /** Spends the refresh token and returns a new session. Presenting a spent token again is
   * treated as theft: the whole family (every token from that login) is revoked. */
  async refresh(app: AppRecord, refreshToken: string): Promise<AuthSession> {
    const consumed = await this.accounts.consumeRefreshToken(app.id, sha256(refreshToken))
    if (consumed.status === 'reused') await this.accounts.revokeFamily(app.id, consumed.record.familyId)
    if (consumed.status !== 'ok' || consumed.record.expiresAt.getTime() < Date.now())
      throw new RoomfulError('refresh_invalid')
    const account = await this.accounts.get(app.id, consumed.record.accountId)
    if (!account) throw new RoomfulError('refresh_invalid')
    return this.startSession(app, account, consumed.record.familyId)
  }

  async logout(app: AppRecord, refreshToken: string): Promise<void> {
    const consumed = await this.accounts.consumeRefreshToken(app.id, sha256(refreshToken))
    if (consumed.status !== 'unknown') await this.accounts.revokeFamily(app.id, consumed.record.familyId)
  }

  private async startSession(app: AppRecord, account: AccountRecord, familyId: string): Promise<AuthSession> {
    await this.assertNotBanned(app.id, account.id, 'sign in')
    const user = { id: account.id, name: account.displayName, avatar: account.avatar }
    const { token, expiresIn } = await issueAccessToken(app, user)
    const refreshToken = randomBytes(32).toString('base64url')
    await this.accounts.saveRefreshToken({
      hash: sha256(refreshToken),
      appId: app.id,
      accountId: account.id,
      familyId,
      expiresAt: new Date(Date.now() + REFRESH_TTL_MS),
    })
    return { user: { ...user, email: account.email }, accessToken: token, expiresIn, refreshToken }
  }
}
