import type { AuthResult } from '@roomful/sdk/protocol'
import type { KeyCache } from '../auth/keys.js'
import { verifyUserToken } from '../auth/tokens.js'
import { RoomfulError } from '../errors.js'
import type { SanctionChecks } from '../moderation/sanction-checks.js'
import type { Connection } from './connection.js'

/**
 * A second `auth` on an authenticated socket: a fresh token for the same user moves the
 * connection's expiry on (the gateway then reschedules its 4100 close). Switching users, or
 * a guest becoming a user, needs a new connection, since rooms and presence were joined as
 * the first identity.
 */
export async function reauthenticate(
  conn: Connection,
  token: string | undefined,
  keys: KeyCache,
  checks: SanctionChecks,
): Promise<AuthResult> {
  const current = conn.identity!
  if (current.guest || !token)
    throw new RoomfulError('bad_request', 'unable to re-authenticate; send a fresh token for the same user')
  const identity = await checks.admit(conn.app.id, await verifyUserToken(conn.app, token, keys))
  if (identity.id !== current.id)
    throw new RoomfulError(
      'bad_request',
      'unable to re-authenticate as another user; open a new connection to switch users',
    )
  // The fresh token's role (or a grant looked up again) replaces the old one: a host can grant
  // or withdraw it this way.
  const { moderator: _role, ...rest } = current
  conn.identity = { ...rest, expiresAt: identity.expiresAt, ...(identity.moderator && { moderator: true }) }
  const { expiresAt: _, ...user } = conn.identity
  return { user, connectionId: conn.id, limits: conn.limits }
}
