// User tokens for the bench app, signed as a host site's server would (HS256 with the secret).
import { SignJWT } from 'jose'

const keys = new Map()

export function signToken(target, sub) {
  let key = keys.get(target.secret)
  if (!key) keys.set(target.secret, (key = new TextEncoder().encode(target.secret)))
  return new SignJWT({ name: sub })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuer(target.appId)
    .setAudience('roomful')
    .setExpirationTime('2h')
    .sign(key)
}
