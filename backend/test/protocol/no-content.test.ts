import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthSession } from '@roomful/sdk/protocol'
import { exchange, header, parseResponses } from '../support/strict-http.js'
import { ALLOWED_ORIGIN, startTestServer, type TestServer } from '../support/test-server.js'

const ADMIN_KEY = 'admin-key-for-no-content-0123456789'

/**
 * 204 responses read byte by byte from a raw socket: no Content-Length and no body (RFC 9110
 * §8.6), so that a request pipelined behind one is answered right after its header block.
 * A length on a 204 makes strict clients fail and nginx answer 502.
 */
describe('204 No Content on the wire', () => {
  let server: TestServer
  let port: number
  beforeAll(async () => {
    server = await startTestServer('embedded', { env: { ADMIN_KEY } })
    port = Number(new URL(server.url).port)
  })
  afterAll(async () => server?.stop())

  /** Sends `request` then a pipelined GET /livez on one connection; returns both responses. */
  const thenLivez = async (method: string, request: string) => {
    const livez = 'GET /livez HTTP/1.1\r\nHost: roomful.test\r\nConnection: close\r\n\r\n'
    const [first, second] = parseResponses(await exchange(port, request + livez), [method, 'GET'])
    expect(second!.status).toBe(200)
    expect(JSON.parse(second!.body.toString())).toEqual({ status: 'ok' })
    expect(first!.raw).toMatch(/^HTTP\/1\.1 204 No Content\r\n(?:[^\r\n]+\r\n)*\r\n$/)
    console.log(`${method} 204 as sent: ${JSON.stringify(first!.raw)}`)
    return first!
  }

  it('answers a CORS preflight with a bare 204 carrying the CORS headers', async () => {
    const response = await thenLivez(
      'OPTIONS',
      `OPTIONS /v1/apps/${server.app.id}/rooms HTTP/1.1\r\nHost: roomful.test\r\n` +
        `Origin: ${ALLOWED_ORIGIN}\r\nAccess-Control-Request-Method: POST\r\n\r\n`,
    )
    expect(header(response, 'access-control-allow-origin')).toBe(ALLOWED_ORIGIN)
    expect(header(response, 'access-control-allow-methods')).toBe('GET, POST, PATCH, DELETE, OPTIONS')
    expect(header(response, 'content-length')).toBeUndefined()
  })

  it('answers a logout with a bare 204', async () => {
    const signup = await fetch(`${server.url}/v1/apps/${server.app.id}/auth/signup`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'nc@example.com', password: 'correct horse', displayName: 'NC' }),
    })
    const { refreshToken } = (await signup.json()) as AuthSession
    const body = JSON.stringify({ refreshToken })
    const response = await thenLivez(
      'POST',
      `POST /v1/apps/${server.app.id}/auth/logout HTTP/1.1\r\nHost: roomful.test\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    )
    expect(header(response, 'content-length')).toBeUndefined()
    // The logout happened: the refresh token no longer works.
    const refresh = await fetch(`${server.url}/v1/apps/${server.app.id}/auth/refresh`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
    })
    expect(refresh.status).toBe(401)
  })

  it('answers an admin delete with a bare 204', async () => {
    const created = await fetch(`${server.url}/v1/admin/apps`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: 'doomed' }),
    })
    expect(created.status).toBe(201)
    await thenLivez(
      'DELETE',
      `DELETE /v1/admin/apps/doomed HTTP/1.1\r\nHost: roomful.test\r\nAuthorization: Bearer ${ADMIN_KEY}\r\n\r\n`,
    )
    const gone = await fetch(`${server.url}/v1/admin/apps/doomed`, {
      headers: { Authorization: `Bearer ${ADMIN_KEY}` },
    })
    expect(gone.status).toBe(404)
  })
})
