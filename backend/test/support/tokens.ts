import { SignJWT } from 'jose'

/** Mints a user token the way a host site's server does: HS256 with the app secret. */
export async function mintUserToken(
  appId: string,
  secret: string,
  user: { sub: string; name?: string; role?: string },
  options: { expiresIn?: string | number; issuer?: string; audience?: string } = {},
): Promise<string> {
  return new SignJWT({ name: user.name ?? user.sub, ...(user.role !== undefined && { role: user.role }) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.sub)
    .setIssuer(options.issuer ?? appId)
    .setAudience(options.audience ?? 'roomful')
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '1h')
    .sign(new TextEncoder().encode(secret))
}
