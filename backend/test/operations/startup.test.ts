import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { freshMysqlDatabase, servicesAvailable, TEST_REDIS_URL } from '../support/services.js'
import { freePort, startBackend } from '../support/start-backend.js'

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url))
const available = await servicesAvailable()

interface LogLine {
  level: number
  msg: string
  [field: string]: unknown
}

/** Runs the built backend until it exits on its own (20 s at most); every output line must be
 * a JSON object. */
async function runToExit(env: Record<string, string>): Promise<{ code: number | null; lines: LogLine[] }> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => (stderr += chunk))
  // A backend that does not exit as expected is killed, so a failing test leaves no process.
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000)
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  clearTimeout(killer)
  expect(stderr, 'nothing on stderr').toBe('')
  const lines = stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      try {
        return JSON.parse(line) as LogLine
      } catch {
        throw new Error(`a line that is not JSON: ${line}`)
      }
    })
  return { code, lines }
}

describe('start-up: configuration and failures are reported as JSON', () => {
  it('reports every configuration problem in one JSON line and exits 78', async () => {
    const { code, lines } = await runToExit({
      LOG_LEVEL: 'loud',
      PORT: 'eighty',
      METRICS_PORT: '70000',
      NODE_ID: 'has spaces',
      MYSQL_URL: 'mysql://db/roomful',
    })
    expect(code).toBe(78)
    expect(lines).toHaveLength(1)
    const [report] = lines
    expect(report).toMatchObject({ level: 60 })
    expect(report!.msg).toMatch(/^unable to start; the configuration has 5 problem\(s\)/)
    const problems = (report!.problems as string[]).join('\n')
    expect(problems).toContain('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent')
    expect(problems).toContain('PORT must be an integer')
    expect(problems).toContain('METRICS_PORT must be an integer')
    expect(problems).toContain('NODE_ID must be')
    expect(problems).toContain('production mode needs both MYSQL_URL and REDIS_URL')
  })

  it('refuses a metrics port equal to the public port', async () => {
    const { code, lines } = await runToExit({ PORT: '18080', METRICS_PORT: '18080' })
    expect(code).toBe(78)
    expect(lines[0]!.problems).toEqual([
      'METRICS_PORT must differ from PORT: metrics are never served on the public port',
    ])
  })

  it('refuses production mode without PUBLIC_URL or TRUSTED_HOSTS, with the config report', async () => {
    const production = { MYSQL_URL: 'mysql://db/roomful', REDIS_URL: 'redis://cache:6379' }
    const started = Date.now()
    const { code, lines } = await runToExit(production)
    console.log(`production without PUBLIC_URL: exit ${code} after ${Date.now() - started} ms`)
    expect(code).toBe(78)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ level: 60 })
    expect(lines[0]!.problems).toEqual([
      'production mode needs PUBLIC_URL (the public base URL of attachment links), or TRUSTED_HOSTS (the Host values uploads may use)',
    ])

    const badHosts = await runToExit({ ...production, TRUSTED_HOSTS: 'chat.example.com, evil.test/x' })
    expect(badHosts.code).toBe(78)
    expect(badHosts.lines[0]!.problems).toEqual([
      'TRUSTED_HOSTS must list host[:port] values separated by commas, got "evil.test/x"',
    ])
  })

  it('refuses a port another Roomful listens on, instead of sharing its connections', async () => {
    const first = await startBackend()
    try {
      const { code, lines } = await runToExit({ PORT: String(first.port) })
      expect(code).toBe(1)
      expect(lines.at(-1)).toMatchObject({
        level: 60,
        code: 'EADDRINUSE',
        msg: `unable to start Roomful; unable to listen on 127.0.0.1:${first.port}; another process holds the port (EADDRINUSE)`,
      })
      // The first node still has every connection to itself.
      expect((await fetch(`${first.url}/readyz`)).status).toBe(200)
    } finally {
      await first.stop()
    }
  })

  it('names the reason when the address is not one of this machine', async () => {
    const port = await freePort()
    const { code, lines } = await runToExit({ HOST: '192.0.2.1', PORT: String(port) })
    expect(code).toBe(1)
    expect(lines.at(-1)).toMatchObject({
      level: 60,
      code: 'EADDRNOTAVAIL',
      msg: `unable to start Roomful; unable to listen on 192.0.2.1:${port}; this machine has no such address (EADDRNOTAVAIL)`,
    })
  })

  it.runIf(available)('logs an unreachable MySQL as one JSON line and exits 1, without a stack', async () => {
    const closed = await freePort()
    const { code, lines } = await runToExit({
      MYSQL_URL: `mysql://roomful:secret@127.0.0.1:${closed}/roomful`,
      REDIS_URL: TEST_REDIS_URL,
      PUBLIC_URL: 'https://chat.example.com',
    })
    expect(code).toBe(1)
    const fatal = lines.at(-1)!
    expect(fatal).toMatchObject({ level: 60, code: 'ECONNREFUSED' })
    expect(fatal.msg).toBe(
      `unable to start Roomful; MySQL at 127.0.0.1:${closed}/roomful is not usable; connect ECONNREFUSED 127.0.0.1:${closed}`,
    )
    expect(JSON.stringify(lines)).not.toContain('secret')
    expect(JSON.stringify(lines)).not.toMatch(/\n\s+at /)
  })

  it.runIf(available)('logs an unreachable Redis the same way, its reconnect errors once', async () => {
    const closed = await freePort()
    const database = await freshMysqlDatabase()
    try {
      const { code, lines } = await runToExit({
        MYSQL_URL: database.url,
        REDIS_URL: `redis://127.0.0.1:${closed}`,
        PUBLIC_URL: 'https://chat.example.com',
        LOG_LEVEL: 'warn',
      })
      expect(code).toBe(1)
      expect(lines.at(-1)).toMatchObject({
        level: 60,
        code: 'ECONNREFUSED',
        msg: `unable to start Roomful; Redis at 127.0.0.1:${closed} is not usable; connect ECONNREFUSED 127.0.0.1:${closed}`,
      })
      // Three connections, each retrying: one line for the one distinct error.
      expect(lines.filter((line) => line.level === 40)).toHaveLength(1)
    } finally {
      await database.drop()
    }
  })
})
