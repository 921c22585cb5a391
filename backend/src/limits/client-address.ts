import { BlockList, isIP } from 'node:net'

/**
 * Who the client is, for per-address limits: the socket's peer, unless that peer is a proxy the
 * operator listed in TRUSTED_PROXIES; then the right-most X-Forwarded-For entry that is not a
 * trusted proxy (entries left of it were written by the client and prove nothing).
 */
export class ClientAddress {
  private readonly trusted = new BlockList()
  private readonly any: boolean

  /** `proxies`: addresses (`10.0.0.5`) or CIDR ranges (`172.16.0.0/12`, `fd00::/8`). */
  constructor(proxies: readonly string[]) {
    for (const entry of proxies) {
      const [address = '', bits] = entry.split('/')
      const family = isIP(address) === 6 ? 'ipv6' : 'ipv4'
      if (bits === undefined) this.trusted.addAddress(address, family)
      else this.trusted.addSubnet(address, Number(bits), family)
    }
    this.any = proxies.length > 0
  }

  /** Whether `entry` is a valid TRUSTED_PROXIES item, for the config check. */
  static valid(entry: string): boolean {
    const [address = '', bits, extra] = entry.split('/')
    const family = isIP(address)
    if (family === 0 || extra !== undefined) return false
    if (bits === undefined) return true
    const n = Number(bits)
    return /^\d+$/.test(bits) && n <= (family === 4 ? 32 : 128)
  }

  resolve(peer: string, forwardedFor: string | undefined): string {
    let client = normalize(peer)
    if (!this.any || !forwardedFor) return client
    const hops = forwardedFor.split(',').map((hop) => normalize(hop.trim()))
    while (this.isTrusted(client)) {
      const next = hops.pop()
      if (next === undefined || isIP(next) === 0) break
      client = next
    }
    return client
  }

  private isTrusted(address: string): boolean {
    const family = isIP(address)
    return family !== 0 && this.trusted.check(address, family === 6 ? 'ipv6' : 'ipv4')
  }
}

// uWS reports IPv4 peers of a dual-stack socket as IPv4-mapped IPv6; count them as the IPv4 address.
const normalize = (address: string) => address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1')
