import type { AuthSession } from './protocol/models.js'
import type { Rest, TokenSource } from './rest.js'

/** Refresh a hosted access token this long before it expires. */
const EARLY_MS = 30_000

/** Hosted accounts: email and password, with a session the client keeps and refreshes. */
export interface Auth {
  /**
   * Create a hosted account and sign in as it. The session is kept by the client and its access
   * token is refreshed transparently.
   *
   * @example
   * const session = await client.auth.signup({ email: 'ada@example.com', password: 'correct horse', displayName: 'Ada' })
   */
  signup(body: { email: string; password: string; displayName: string }): Promise<AuthSession>
  /**
   * Sign in with email and password. An open connection re-authenticates as the new user.
   *
   * @example
   * await client.auth.login({ email: 'ada@example.com', password: 'correct horse' })
   */
  login(body: { email: string; password: string }): Promise<AuthSession>
  /**
   * End the hosted session (its refresh token is revoked) and continue as a guest or with the
   * `token`/`getToken` given to `createClient`.
   *
   * @example
   * await client.auth.logout()
   */
  logout(): Promise<void>
  /** The current hosted session, or null. Its tokens rotate: read it when you need it. */
  readonly session: AuthSession | null
}

export interface AuthOptions {
  token?: string
  getToken?: () => string | Promise<string>
  /** A hosted session saved earlier (see the client's `session` event); refreshed on first use. */
  session?: AuthSession | null
}

/** The hosted session, the host's token, and how to renew either: one token source for REST and socket. */
export function createAuth(
  rest: Rest,
  opts: AuthOptions,
  changed: (session: AuthSession | null, who: boolean) => void,
): Auth & TokenSource {
  let session: AuthSession | null = opts.session ?? null
  let expiresAt = 0
  let token = opts.token
  // A restored session's access token may be long expired: refresh before first use.
  let stale = !!session
  let refreshing: Promise<string | undefined> | undefined

  const adopt = (s: AuthSession, who = false) => {
    session = s
    expiresAt = Date.now() + s.expiresIn * 1000
    stale = false
    changed(s, who)
    return s
  }

  const renew = async (): Promise<string | undefined> => {
    if (session) {
      try {
        return adopt(await rest<AuthSession>('POST', '/auth/refresh', { refreshToken: session.refreshToken }))
          .accessToken
      } catch (err) {
        // A refresh token is single use: once refused, the session is over.
        if ((err as { code?: string }).code === 'refresh_invalid') changed((session = null), false)
        throw err
      }
    }
    if (opts.getToken) {
      token = await opts.getToken()
      stale = false
    }
    return token
  }

  const refresh = () => (refreshing ??= renew().finally(() => (refreshing = undefined)))

  const signIn = async (path: string, body: object) =>
    adopt(await rest<AuthSession>('POST', path, body), true)

  return {
    get session() {
      return session
    },
    async get() {
      if (session) return stale || expiresAt - Date.now() < EARLY_MS ? refresh() : session.accessToken
      return stale || (!token && opts.getToken) ? refresh() : token
    },
    expire() {
      stale = true
    },
    canRefresh: () => !!(session || opts.getToken),
    signup: (body) => signIn('/auth/signup', body),
    login: (body) => signIn('/auth/login', body),
    async logout() {
      const s = session
      session = null
      if (s) {
        changed(null, true)
        await rest('POST', '/auth/logout', { refreshToken: s.refreshToken })
      }
    },
  }
}
