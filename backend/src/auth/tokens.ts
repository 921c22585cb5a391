import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, SignJWT } from 'jose'
import type { Identity } from '@roomful/sdk/protocol'
import type { AppRecord } from '../apps/app-store.js'
import { RoomfulError } from '../errors.js'

/** `iss` of access tokens Roomful issues for hosted accounts (their `aud` is the app id). */
export const HOSTED_ISSUER = 'roomful'
/** `aud` of user tokens a host site mints (their `iss` is the app id). */
export const HOST_AUDIENCE = 'roomful'
export const ACCESS_TOKEN_TTL_S = 15 * 60
const CLOCK_TOLERANCE_S = 5

const encoder = new TextEncoder()

export interface VerifiedIdentity extends Identity {
  /** Epoch seconds at which the token stops being valid. */
  expiresAt: number
}

export async function issueAccessToken(
  app: AppRecord,
  user: { id: string; name: string; avatar: string | null },
): Promise<{ token: string; expiresIn: number }> {
  const token = await new SignJWT({ name: user.name, ...(user.avatar && { avatar: user.avatar }) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(HOSTED_ISSUER)
    .setAudience(app.id)
    .setSubject(user.id)
    .setIssuedAt()
    .setExpirationTime(`${ACCESS_TOKEN_TTL_S}s`)
    .sign(encoder.encode(app.sessionKey))
  return { token, expiresIn: ACCESS_TOKEN_TTL_S }
}

/**
 * Verifies a user token for `app`: either a hosted-account access token (signed with the
 * app's server-held session key) or a token the host site minted with the app's secret. The
 * algorithm is pinned (HS256 for both), so `alg: none` or a swapped algorithm never verifies;
 * `exp`, `aud` and `iss` are required and checked.
 */
export async function verifyUserToken(app: AppRecord, token: string): Promise<VerifiedIdentity> {
  let issuer: unknown
  try {
    if (decodeProtectedHeader(token).alg !== 'HS256') throw new Error('algorithm not allowed')
    issuer = decodeJwt(token).iss
  } catch {
    throw new RoomfulError(
      'token_invalid',
      'unable to authenticate; the token is malformed or uses a refused algorithm',
    )
  }
  const hosted = issuer === HOSTED_ISSUER
  if (!hosted && issuer !== app.id)
    throw new RoomfulError(
      'token_invalid',
      `unable to authenticate; the token was not issued for app "${app.id}"`,
    )

  try {
    const { payload } = await jwtVerify(token, encoder.encode(hosted ? app.sessionKey : app.secret), {
      algorithms: ['HS256'],
      issuer: hosted ? HOSTED_ISSUER : app.id,
      audience: hosted ? app.id : HOST_AUDIENCE,
      clockTolerance: CLOCK_TOLERANCE_S,
      requiredClaims: ['exp', 'sub'],
    })
    const sub = payload.sub as string
    const name =
      typeof payload.name === 'string' && payload.name.trim() ? payload.name.trim().slice(0, 64) : sub
    const avatar =
      typeof payload.avatar === 'string' && /^https?:\/\//.test(payload.avatar) ? payload.avatar : null
    if (sub.length > 128)
      throw new RoomfulError('token_invalid', 'unable to authenticate; `sub` is longer than 128')
    return { id: sub, name, avatar, guest: false, expiresAt: payload.exp as number }
  } catch (err) {
    if (err instanceof RoomfulError) throw err
    if (err instanceof joseErrors.JWTExpired) throw new RoomfulError('token_expired')
    const reason = err instanceof joseErrors.JOSEError ? err.code : 'unverifiable'
    throw new RoomfulError('token_invalid', `unable to authenticate; the token is not valid (${reason})`)
  }
}
