import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

// One of OWASP's equivalent scrypt floors: N=2^15, r=8, p=3 does the work of N=2^17, r=8, p=1
// in a quarter of the memory (32 MiB, ~150 ms), so two hashes can run at once on a small node
// (a login beside a flood's hash, not behind it) within the memory a single one used to take.
// Hashes made with other parameters (earlier N=2^17 ones) keep verifying: the string says them.
const PARAMS = { N: 2 ** 15, r: 8, p: 3, maxmem: 64 * 1024 * 1024 }
const KEY_LENGTH = 32

const derive = (password: string, salt: Buffer, params: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, params, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  )

/** `scrypt$N$r$p$salt$hash`, base64url parts: self-describing so parameters can grow later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await derive(password, salt, PARAMS)
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join(
    '$',
  )
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$')
  if (scheme !== 'scrypt' || !salt || !hash) return false
  const expected = Buffer.from(hash, 'base64url')
  const N = Number(n)
  const key = await derive(password, Buffer.from(salt, 'base64url'), {
    N,
    r: Number(r),
    p: Number(p),
    maxmem: Math.max(PARAMS.maxmem, 256 * N * Number(r) + 1024 * 1024),
  })
  return key.length === expected.length && timingSafeEqual(key, expected)
}
