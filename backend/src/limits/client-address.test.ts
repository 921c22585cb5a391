import { expect, it } from 'vitest'
import { ClientAddress } from './client-address.js'

it('ignores X-Forwarded-For unless the peer is a trusted proxy', () => {
  const none = new ClientAddress([])
  expect(none.resolve('203.0.113.9', '198.51.100.1')).toBe('203.0.113.9')
  const trusting = new ClientAddress(['127.0.0.1', '10.0.0.0/8'])
  expect(trusting.resolve('203.0.113.9', '198.51.100.1')).toBe('203.0.113.9')
  expect(trusting.resolve('::ffff:127.0.0.1', '198.51.100.1')).toBe('198.51.100.1')
})

it('takes the right-most hop that is not a trusted proxy, so a client cannot forge its address', () => {
  const trusting = new ClientAddress(['127.0.0.1', '10.0.0.0/8'])
  expect(trusting.resolve('127.0.0.1', '1.2.3.4, 198.51.100.7, 10.1.2.3')).toBe('198.51.100.7')
  expect(trusting.resolve('127.0.0.1', 'not-an-ip')).toBe('127.0.0.1')
  expect(trusting.resolve('127.0.0.1', undefined)).toBe('127.0.0.1')
})

it('accepts addresses and CIDR ranges of both families as TRUSTED_PROXIES entries', () => {
  for (const ok of ['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8']) expect(ClientAddress.valid(ok)).toBe(true)
  for (const bad of ['nginx', '10.0.0.0/33', '10.0.0.0/x', '1.2.3.4/8/1', ''])
    expect(ClientAddress.valid(bad)).toBe(false)
})
