import { lookup, type LookupAddress } from 'node:dns'
import { BlockList, isIP } from 'node:net'
import { RoomfulError } from '../errors.js'

/**
 * Where webhooks may go. A webhook URL is chosen by an app's admin, and the server POSTs to it
 * from inside the deployment's network, so without these checks it could reach internal
 * services or the cloud metadata address (SSRF). Endpoints must be https and resolve only to
 * public addresses; `allowLoopback` (tests, local development) also lets through loopback
 * addresses, and plain http to them. The addresses are checked when the URL is registered and
 * again on every connection (the name may resolve elsewhere by then).
 */
export interface UrlPolicy {
  allowLoopback: boolean
}

const LOOPBACK = new BlockList()
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4')
LOOPBACK.addAddress('::1', 'ipv6')

/** Not globally reachable (IANA special-purpose registries). IPv4-mapped IPv6 addresses
 * (`::ffff:10.0.0.1`) match their IPv4 ranges. */
const PRIVATE = new BlockList()
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  PRIVATE.addSubnet(network, prefix, 'ipv4')
for (const [network, prefix] of [
  ['::', 128],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(network, prefix, 'ipv6')

export type AddressClass = 'public' | 'loopback' | 'private'

export function classifyAddress(address: string): AddressClass {
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4'
  if (LOOPBACK.check(address, family)) return 'loopback'
  if (PRIVATE.check(address, family)) return 'private'
  return 'public'
}

/** Why a connection to these addresses over `protocol` is refused, or null when it is allowed. */
export function refusal(addresses: string[], protocol: string, policy: UrlPolicy): string | null {
  for (const address of addresses) {
    const kind = classifyAddress(address)
    if (kind === 'private') return `${address} is a private or reserved address`
    if (kind === 'loopback' && !policy.allowLoopback) return `${address} is a loopback address`
    if (protocol === 'http:' && kind !== 'loopback') return 'plain http is allowed only to loopback addresses'
  }
  return null
}

export type Resolver = (hostname: string) => Promise<string[]>

/** Every address the system resolver gives for `hostname`. */
export const resolveAll: Resolver = (hostname) =>
  new Promise((resolve, reject) =>
    lookup(hostname, { all: true, verbatim: true }, (err, addresses) =>
      err ? reject(err) : resolve(addresses.map((a) => a.address)),
    ),
  )

/** The host of a URL as an address or a name: `[::1]` loses its brackets. */
export const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1')

const refuse = (why: string) => new RoomfulError('bad_request', `unable to use the webhook URL; ${why}`)

/** Checks a URL an admin wants to register; resolves with its normalized form, or rejects
 * with `bad_request` saying why. */
export async function checkWebhookUrl(raw: string, policy: UrlPolicy, resolve = resolveAll): Promise<string> {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw refuse('it is not a URL')
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowLoopback))
    throw refuse(policy.allowLoopback ? 'use https (or http to a loopback address)' : 'use https')
  const host = hostOf(url)
  let addresses: string[]
  try {
    addresses = isIP(host) ? [host] : await resolve(host)
  } catch {
    throw refuse(`the host "${host}" does not resolve`)
  }
  const refused = refusal(addresses, url.protocol, policy)
  if (refused) throw refuse(refused)
  return url.toString()
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void

/**
 * A `lookup` for `http.request` that refuses to connect anywhere the policy forbids, so the
 * address checked is the address connected to (a name cannot be re-pointed between a check
 * and the connection). Node skips `lookup` for IP literals: callers check those themselves.
 */
export function guardedLookup(protocol: string, policy: UrlPolicy) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    lookup(hostname, { all: true, verbatim: true }, (err, addresses) => {
      if (err) return callback(err, [])
      const refused = refusal(
        addresses.map((a) => a.address),
        protocol,
        policy,
      )
      if (refused) return callback(Object.assign(new Error(`refused: ${refused}`), { code: 'EREFUSED' }), [])
      if (options.all) return callback(null, addresses)
      callback(null, addresses[0]!.address, addresses[0]!.family)
    })
  }
}
