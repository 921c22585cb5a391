import { importJWK, importSPKI, type CryptoKey, type JWK, type KeyObject } from 'jose'
import { RoomfulError } from '../errors.js'
import type { KeyAlgorithm } from './app-store.js'

export type VerifyKey = CryptoKey | KeyObject | Uint8Array

/**
 * Parses a registered public key (a public JWK as JSON, or an SPKI PEM) for `alg`. Private
 * keys are refused, so an admin pasting the wrong half of a pair learns it at registration;
 * the key cache (auth/keys.ts) imports registered keys with it too.
 */
export async function importPublicKey(alg: KeyAlgorithm, publicKey: string): Promise<VerifyKey> {
  const text = publicKey.trim()
  try {
    if (text.startsWith('{')) {
      const jwk = JSON.parse(text) as JWK
      if ('d' in jwk) throw new Error('the JWK is a private key')
      if (jwk.alg !== undefined && jwk.alg !== alg) throw new Error(`the JWK says alg ${jwk.alg}`)
      return await importJWK({ ...jwk, alg }, alg)
    }
    if (text.includes('PRIVATE KEY')) throw new Error('the PEM is a private key')
    return await importSPKI(text, alg)
  } catch (err) {
    throw new RoomfulError(
      'bad_request',
      `unable to use the public key; it is not a public ${alg} key (${(err as Error).message})`,
    )
  }
}
