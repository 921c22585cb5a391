import {
  decodeJwt,
  decodeProtectedHeader,
  errors as joseErrors,
  jwtVerify,
  SignJWT,
  type JWTPayload,
  type JWTVerifyOptions,
} from 'jose'
import { clip, type Identity } from '@roomful/sdk/protocol'
import { KEY_ALGORITHMS, type AppRecord } from '../apps/app-store.js'
import { RoomfulError } from '../errors.js'
import { isKeyAlgorithm, type KeyCache } from './keys.js'

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

/** jose's codes for a JWKS that could not be fetched or read (network errors are plain errors). */
const JWKS_UNAVAILABLE = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID', 'ERR_JOSE_GENERIC'])

const invalid = (why: string) => new RoomfulError('token_invalid', `unable to authenticate; ${why}`)

/**
 * Verifies a user token for `app`, with the algorithm pinned by the key that checks it:
 * - HS256 with `iss: 'roomful'`: a hosted-account access token, signed with the session key;
 * - HS256 with `iss: <appId>`: minted by the host site with the app secret (or, until its
 *   stated expiry, the secret before the last rotation);
 * - ES256, EdDSA or RS256 with `iss: <appId>`: minted with the host site's own key, found by
 *   (app, `kid`) among the registered keys and then in the app's JWKS. A registered key only
 *   verifies tokens of its own algorithm.
 * `alg: none` and anything else never verifies; `exp` and `sub` are required; `exp`, `nbf`,
 * `aud` and `iss` are checked with a 5 s clock tolerance. Registered keys and JWKS come from `keys`.
 */
export async function verifyUserToken(
  app: AppRecord,
  token: string,
  keys: KeyCache,
): Promise<VerifiedIdentity> {
  let issuer: unknown
  let alg: string | undefined
  let kid: string | undefined
  try {
    const header = decodeProtectedHeader(token)
    alg = header.alg
    kid = header.kid
    issuer = decodeJwt(token).iss
  } catch {
    throw invalid('the token is malformed')
  }
  const hosted = issuer === HOSTED_ISSUER
  if (!hosted && issuer !== app.id) throw invalid(`the token was not issued for app "${app.id}"`)
  if (hosted && alg !== 'HS256') throw invalid('the token uses a refused algorithm')
  const options = {
    issuer: hosted ? HOSTED_ISSUER : app.id,
    audience: hosted ? app.id : HOST_AUDIENCE,
    clockTolerance: CLOCK_TOLERANCE_S,
    requiredClaims: ['exp', 'sub'],
  }

  let fromJwks = false
  try {
    let payload: JWTPayload
    if (alg === 'HS256') {
      const secrets = hosted ? [app.sessionKey] : [app.secret]
      if (!hosted && app.previousSecret && (app.previousSecretExpiresAt?.getTime() ?? 0) > Date.now())
        secrets.push(app.previousSecret)
      payload = await verifyWithAny(token, secrets, { ...options, algorithms: ['HS256'] })
    } else if (isKeyAlgorithm(alg)) {
      const registered = keys.registeredKey(app, kid)
      if (registered) {
        if (registered.record.alg !== alg)
          throw invalid(
            `key "${registered.record.kid}" is registered for ${registered.record.alg}, not ${alg}`,
          )
        ;({ payload } = await jwtVerify(token, await registered.key, { ...options, algorithms: [alg] }))
      } else {
        const remote = keys.remoteKeys(app)
        if (!remote)
          throw invalid(`app "${app.id}" has no key${kid ? ` "${clip(String(kid))}"` : ''} for ${alg} tokens`)
        fromJwks = true
        ;({ payload } = await jwtVerify(token, remote, { ...options, algorithms: [...KEY_ALGORITHMS] }))
      }
    } else throw invalid('the token uses a refused algorithm')
    return toIdentity(payload, !hosted)
  } catch (err) {
    if (err instanceof RoomfulError) throw err
    if (err instanceof joseErrors.JWTExpired) throw new RoomfulError('token_expired')
    // The host's key server being down is not the token's fault: say so, retryably.
    if (fromJwks && (!(err instanceof joseErrors.JOSEError) || JWKS_UNAVAILABLE.has(err.code)))
      throw new RoomfulError('internal', "unable to authenticate; the app's JWKS could not be fetched", {
        cause: err,
      })
    const reason = err instanceof joseErrors.JOSEError ? err.code : 'unverifiable'
    throw invalid(`the token is not valid (${reason})`)
  }
}

async function verifyWithAny(
  token: string,
  secrets: string[],
  options: JWTVerifyOptions,
): Promise<JWTPayload> {
  for (let i = 0; ; i++) {
    try {
      return (await jwtVerify(token, encoder.encode(secrets[i]), options)).payload
    } catch (err) {
      const last = i === secrets.length - 1
      if (last || !(err instanceof joseErrors.JWSSignatureVerificationFailed)) throw err
    }
  }
}

/**
 * `role: 'moderator'` counts only in tokens the host site minted with its own key or secret:
 * the host decides who moderates its site. Hosted-account tokens never carry a role.
 */
function toIdentity(payload: JWTPayload, hostMinted: boolean): VerifiedIdentity {
  const sub = payload.sub as string
  if (sub.length > 128) throw invalid('`sub` is longer than 128')
  const name =
    typeof payload.name === 'string' && payload.name.trim() ? payload.name.trim().slice(0, 64) : sub
  const avatar =
    typeof payload.avatar === 'string' && /^https?:\/\//.test(payload.avatar) ? payload.avatar : null
  const identity: VerifiedIdentity = { id: sub, name, avatar, guest: false, expiresAt: payload.exp as number }
  if (hostMinted && payload.role === 'moderator') identity.moderator = true
  return identity
}
