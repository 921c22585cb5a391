import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAdmin, UsageError } from '../../src/cli/admin-commands.js'
import { createProductionDrivers } from '../../src/drivers/drivers.production.js'
import { freshMysqlDatabase, servicesAvailable, TEST_REDIS_URL } from '../support/services.js'
import { ALLOWED_ORIGIN, startTestServer, type TestServer } from '../support/test-server.js'
import { mintUserToken } from '../support/tokens.js'
import { WsTestClient } from '../support/ws-client.js'

// The CLI manages apps in MySQL, so it is tested against MariaDB only.
const run = (await servicesAvailable()) ? describe : describe.skip

run('admin CLI (production)', () => {
  let database: Awaited<ReturnType<typeof freshMysqlDatabase>>
  let server: TestServer
  beforeAll(async () => {
    database = await freshMysqlDatabase()
    const drivers = await createProductionDrivers({
      mysqlUrl: database.url,
      redisUrl: TEST_REDIS_URL,
      prefix: `rf-test-${randomBytes(4).toString('hex')}:`,
    })
    server = await startTestServer('production', { drivers })
  })
  afterAll(async () => {
    await server?.stop()
    await database?.drop()
  })

  const admin = async (...argv: string[]) => {
    const lines: string[] = []
    const code = await runAdmin(argv, { env: { MYSQL_URL: database.url }, print: (l) => lines.push(l) })
    return { code, out: lines.join('\n') }
  }

  it('creates an app whose secret mints a token the backend accepts', async () => {
    const created = await admin('create-app', 'cli_site', '--name', 'CLI site', '--origin', ALLOWED_ORIGIN)
    expect(created.code).toBe(0)
    const app = JSON.parse(created.out) as { id: string; secret: string; allowedOrigins: string[] }
    expect(app).toMatchObject({ id: 'cli_site', allowedOrigins: [ALLOWED_ORIGIN] })

    const token = await mintUserToken(app.id, app.secret, { sub: 'cli-user', name: 'Cli User' })
    const client = await WsTestClient.authed(server.url, app.id, token, { origin: ALLOWED_ORIGIN })
    expect((await client.request('ping')).error).toBe(undefined)
    await client.close()

    const minted = await admin('mint-token', 'cli_site', 'minted-user', '--ttl', '10m')
    const me = await fetch(`${server.url}/v1/apps/cli_site/me`, {
      headers: { Authorization: `Bearer ${minted.out}` },
    })
    expect(await me.json()).toMatchObject({ id: 'minted-user' })

    expect((await admin('list-apps')).out).toContain('cli_site\tCLI site\tenabled')
    expect((await admin('get-app', 'cli_site')).out).not.toContain(app.secret)
  })

  it('reports refusals as usage errors, not crashes', async () => {
    await expect(admin('create-app', 'cli_site')).rejects.toBeInstanceOf(UsageError)
    await expect(admin('get-app', 'no_such_app')).rejects.toThrow(/no app "no_such_app"/)
    await expect(admin('update-app', 'cli_site', '--limit', 'nope=1')).rejects.toBeInstanceOf(UsageError)
    await expect(
      admin('add-key', 'cli_site', '--kid', 'k', '--alg', 'ES256', '--key', 'garbage'),
    ).rejects.toThrow(/not a public ES256 key/)
    const rotated = JSON.parse((await admin('rotate-secret', 'cli_site', '--keep-old-for', '1h')).out)
    expect(rotated.previousSecretExpiresAt).toEqual(expect.any(String))
  })
})
