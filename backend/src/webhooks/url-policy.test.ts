import { describe, expect, it } from 'vitest'
import { RoomfulError } from '../errors.js'
import { checkWebhookUrl, classifyAddress, type Resolver } from './url-policy.js'

const strict = { allowLoopback: false }
const dev = { allowLoopback: true }
/** A resolver that answers from a table, so no test depends on real DNS. */
const dns =
  (table: Record<string, string[]>): Resolver =>
  async (host) => {
    const addresses = table[host]
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' })
    return addresses
  }

async function refusalOf(url: string, policy = strict, resolve = dns({})): Promise<string> {
  const err = await checkWebhookUrl(url, policy, resolve).then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(RoomfulError)
  expect((err as RoomfulError).code).toBe('bad_request')
  return (err as RoomfulError).message
}

describe('webhook URL policy', () => {
  it('classifies loopback, private, reserved and public addresses, IPv4-mapped IPv6 included', () => {
    for (const a of ['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1'])
      expect(classifyAddress(a), a).toBe('loopback')
    for (const a of [
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254', // cloud metadata
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::',
      'fc00::1',
      'fd12:3456::1',
      'fe80::1',
      'ff02::1',
      '::ffff:10.0.0.1',
      '::ffff:169.254.169.254',
    ])
      expect(classifyAddress(a), a).toBe('private')
    for (const a of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111'])
      expect(classifyAddress(a), a).toBe('public')
  })

  it('accepts https to a public address and normalizes the URL', async () => {
    const resolve = dns({ 'hooks.example.com': ['93.184.216.34'] })
    expect(await checkWebhookUrl('https://Hooks.Example.com/roomful?x=1', strict, resolve)).toBe(
      'https://hooks.example.com/roomful?x=1',
    )
    expect(await checkWebhookUrl('https://93.184.216.34:8443/h', strict)).toBe('https://93.184.216.34:8443/h')
  })

  it('refuses other schemes, plain http, and names that do not resolve', async () => {
    expect(await refusalOf('ftp://hooks.example.com/')).toMatch(/use https/)
    expect(await refusalOf('http://93.184.216.34/')).toMatch(/use https/)
    expect(await refusalOf('not a url')).toMatch(/not a URL/)
    expect(await refusalOf('https://nowhere.invalid/')).toMatch(/does not resolve/)
  })

  it('refuses names and literals that lead to private, loopback or link-local addresses', async () => {
    const resolve = dns({
      'internal.example.com': ['10.0.0.7'],
      'metadata.example.com': ['169.254.169.254'],
      // One bad address among good ones is enough: the connection could use either.
      'mixed.example.com': ['93.184.216.34', '192.168.0.10'],
      localhost: ['127.0.0.1', '::1'],
    })
    expect(await refusalOf('https://internal.example.com/', strict, resolve)).toMatch(
      /10\.0\.0\.7 is a private/,
    )
    expect(await refusalOf('https://metadata.example.com/', strict, resolve)).toMatch(/169\.254\.169\.254/)
    expect(await refusalOf('https://mixed.example.com/', strict, resolve)).toMatch(/192\.168\.0\.10/)
    expect(await refusalOf('https://localhost/', strict, resolve)).toMatch(/loopback/)
    expect(await refusalOf('https://[::1]/')).toMatch(/loopback/)
    expect(await refusalOf('https://[::ffff:7f00:1]/')).toMatch(/loopback/)
    expect(await refusalOf('https://2130706433/')).toMatch(/127\.0\.0\.1 is a loopback/)
    expect(await refusalOf('https://[fe80::1]/')).toMatch(/private/)
  })

  it('with allowLoopback, lets loopback through (over http too) but still refuses private addresses', async () => {
    const resolve = dns({ localhost: ['127.0.0.1', '::1'], 'internal.example.com': ['10.0.0.7'] })
    expect(await checkWebhookUrl('http://127.0.0.1:9000/hook', dev)).toBe('http://127.0.0.1:9000/hook')
    expect(await checkWebhookUrl('http://localhost:9000/hook', dev, resolve)).toBe(
      'http://localhost:9000/hook',
    )
    expect(await refusalOf('http://93.184.216.34/', dev)).toMatch(/http is allowed only to loopback/)
    expect(await refusalOf('https://internal.example.com/', dev, resolve)).toMatch(/private/)
    expect(await refusalOf('http://10.0.0.7/', dev)).toMatch(/private/)
  })
})
