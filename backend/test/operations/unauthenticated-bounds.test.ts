import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SUBPROTOCOL } from '@roomful/sdk/protocol'
import { createAppWithCli } from '../support/admin-cli.js'
import {
  dropRedisPrefix,
  freshMysqlDatabase,
  servicesAvailable,
  TEST_REDIS_URL,
  uniquePrefix,
} from '../support/services.js'
import { GC_ON_SIGNAL, residentBytes, retainedBytes } from '../support/processes.js'
import { startBackend, type BackendProcess } from '../support/start-backend.js'
import { exchange } from '../support/strict-http.js'
import { mintUserToken } from '../support/tokens.js'

/**
 * What anyone can send without a token, against a production node in its own process: each
 * must be refused at a cost that does not grow with what was sent. Memory is the node's
 * resident set (VmRSS), read from /proc before and after, where it counts after a full
 * collection (retainedBytes). The bounds are loose (20 MB) because the allocator moves RSS by a
 * few MB on its own, while the defects these guard against cost hundreds.
 */

const available = await servicesAvailable()
const GOOD_ORIGIN = 'https://good.example'
const MB = 1024 * 1024

/** POSTs `size` bytes (Content-Length, or chunked without one) and returns status and body. */
function postLarge(
  url: string,
  size: number,
  options: { chunked?: boolean; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string }> {
  const piece = Buffer.alloc(MB, 0x61)
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(options.chunked ? { 'Transfer-Encoding': 'chunked' } : { 'Content-Length': String(size) }),
        ...options.headers,
      },
    })
    req.on('response', (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    // The server may answer and hang up before taking the whole body: the answer is what counts.
    req.on('error', (err) => (req.destroyed ? undefined : reject(err)))
    let sent = 0
    const write = () => {
      while (sent < size) {
        const n = Math.min(piece.length, size - sent)
        sent += n
        if (!req.write(n === piece.length ? piece : piece.subarray(0, n)))
          return void req.once('drain', write)
      }
      req.end()
    }
    write()
  })
}

describe.runIf(available)('unauthenticated paths cost bounded memory (production node)', () => {
  let node: BackendProcess
  let appId: string
  let secret: string
  let drop: () => Promise<void>
  const prefix = uniquePrefix('bounds')

  beforeAll(async () => {
    const database = await freshMysqlDatabase()
    drop = database.drop
    ;({ id: appId, secret } = await createAppWithCli(database.url, 'bounds', ['--origin', GOOD_ORIGIN]))
    node = await startBackend({
      env: {
        MYSQL_URL: database.url,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: prefix,
        // V8's young generation grows to 3 x 16 MiB under any allocation load and shrinks only
        // when idle: scratch space, not memory kept. Capped, RSS tracks what the node retains.
        // GC_ON_SIGNAL lets a reading start from a full collection: what is kept, not garbage.
        NODE_OPTIONS: `--max-semi-space-size=1 ${GC_ON_SIGNAL}`,
      },
    })
    // A node that has just started is still filling pools and compiling: let it settle.
    await new Promise((resolve) => setTimeout(resolve, 2_000))
  }, 60_000)

  afterAll(async () => {
    await node?.stop()
    await drop?.()
    await dropRedisPrefix(prefix)
  })

  it('refuses 8 parallel 30 MiB login bodies without holding them', async () => {
    const login = `${node.url}/v1/apps/${appId}/auth/login`
    const warm = await Promise.all(Array.from({ length: 8 }, () => postLarge(login, MB)))
    expect(warm.map((res) => res.status)).toEqual(Array(8).fill(413))
    const before = await retainedBytes(node.child.pid!)
    const declared = await Promise.all(Array.from({ length: 8 }, () => postLarge(login, 30 * MB)))
    const afterDeclared = residentBytes(node.child.pid!)
    const chunked = await Promise.all(
      Array.from({ length: 8 }, () => postLarge(login, 30 * MB, { chunked: true })),
    )
    const after = residentBytes(node.child.pid!)
    console.log(
      `8 x 30 MiB logins: RSS ${(before / MB).toFixed(1)} MB before, ` +
        `${(afterDeclared / MB).toFixed(1)} MB after Content-Length ones, ${(after / MB).toFixed(1)} MB after chunked ones`,
    )
    for (const res of [...declared, ...chunked]) {
      expect(res.status).toBe(413)
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'payload_too_large' } })
    }
    expect(afterDeclared - before).toBeLessThan(20 * MB)
    expect(after - before).toBeLessThan(20 * MB)
    // Nothing broke: a JSON body within the limit is still read.
    const small = await fetch(login, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'nobody@example.com', password: 'not-the-password' }),
    })
    expect(small.status).toBe(401)
  }, 180_000)

  it('forgets unknown app ids: 40,000 of them leave RSS where it was', async () => {
    const run = Math.random().toString(36).slice(2, 8)
    const lookUp = async (from: number, to: number, workers = 16) => {
      let next = from
      const statuses = new Map<number, number>()
      await Promise.all(
        Array.from({ length: workers }, async () => {
          while (next < to) {
            const i = next++
            const res = await fetch(`${node.url}/v1/apps/nx${run}${i}/rooms`)
            await res.arrayBuffer()
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
          }
        }),
      )
      return statuses
    }
    // Warm up the paths (JIT, pools, the first cache fill) so the loop measures only growth.
    await lookUp(0, 3_000)
    const before = await retainedBytes(node.child.pid!)
    const statuses = await lookUp(3_000, 43_000)
    // Read the same way as the baseline, after a full collection: the defect kept +169 MB.
    const after = await retainedBytes(node.child.pid!)
    console.log(
      `40,000 unknown app ids: RSS ${(before / MB).toFixed(1)} MB before, ${(after / MB).toFixed(1)} MB after`,
    )
    expect(Object.fromEntries(statuses)).toEqual({ 404: 40_000 })
    expect(after - before).toBeLessThan(20 * MB)
    // A known app is still found after the flood pushed everything else out.
    const known = await fetch(`${node.url}/v1/apps/${appId}/rooms`, {
      headers: { Authorization: `Bearer ${await mintUserToken(appId, secret, { sub: 'ann' })}` },
    })
    expect(known.status).toBe(200)
  }, 300_000)

  it('answers a foreign Origin 403 at the upgrade: no 101, no socket', async () => {
    const upgrade = (origin: string) =>
      exchange(
        node.port,
        `GET /v1/ws?app=${appId} HTTP/1.1\r\nHost: 127.0.0.1:${node.port}\r\nUpgrade: websocket\r\n` +
          'Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
          `Sec-WebSocket-Protocol: ${SUBPROTOCOL}\r\nOrigin: ${origin}\r\n\r\n`,
        { headOnly: true },
      )
    const foreign = (await upgrade('https://evil.example')).toString('latin1')
    const good = (await upgrade(GOOD_ORIGIN)).toString('latin1')
    console.log(
      `upgrade status lines: foreign "${foreign.split('\r\n')[0]}", allowed "${good.split('\r\n')[0]}"`,
    )
    expect(foreign).toMatch(/^HTTP\/1\.1 403 /)
    expect(good).toMatch(/^HTTP\/1\.1 101 /)
  })

  it('refuses a 60 KB bearer token with 401 before parsing it', async () => {
    const huge = `eyJ${'A'.repeat(60 * 1024)}`
    const started = performance.now()
    const res = await fetch(`${node.url}/v1/apps/${appId}/rooms`, {
      headers: { Authorization: `Bearer ${huge}` },
    })
    const tookMs = performance.now() - started
    const body = (await res.json()) as { error: { code: string; message: string } }
    const normal = performance.now()
    await (
      await fetch(`${node.url}/v1/apps/${appId}/rooms`, { headers: { Authorization: 'Bearer x.y.z' } })
    ).json()
    const normalMs = performance.now() - normal
    console.log(
      `60 KB bearer token: ${res.status} in ${tookMs.toFixed(1)} ms (a short bad token: ${normalMs.toFixed(1)} ms)`,
    )
    expect(res.status).toBe(401)
    expect(body.error).toEqual({
      code: 'token_invalid',
      message: 'unable to authorize; the token is longer than 8192 characters',
    })
    expect(tookMs).toBeLessThan(1_000)
  })
})
