import { existsSync } from 'node:fs'
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { spawnCollecting, waitUntilReady } from './processes.js'
import { freePort } from './start-backend.js'

/** The shipped configuration, used verbatim: only its two placeholders are filled in. */
export const NGINX_TEMPLATE = fileURLToPath(
  new URL('../../../deploy/nginx/roomful.conf.template', import.meta.url),
)

/** Debian's nginx, if installed (`.ci/run` installs it). */
export function findNginx(): string | null {
  for (const candidate of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'])
    if (existsSync(candidate)) return candidate
  return null
}

export interface Nginx {
  url: string
  port: number
  /** The access log: `<status> <method> <uri> <upstream status>` per relayed request. */
  accessLog(): Promise<string[]>
  stop(): Promise<void>
}

/** Fills `${NAME}` the way envsubst does, refusing a placeholder left without a value. */
export function renderTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\$\{([A-Z_]+)\}/g, (_, name: string) => {
    const value = values[name]
    if (value === undefined) throw new Error(`no value for \${${name}} in the nginx template`)
    return value
  })
}

/**
 * Runs nginx in the foreground with the shipped Roomful config in front of `upstreams`
 * (host:port), on a free loopback port, with its prefix, logs, pid and temp files in a
 * directory of its own that stop() removes.
 */
export async function startNginx(nginx: string, upstreams: string[]): Promise<Nginx> {
  const dir = await mkdtemp(join(tmpdir(), 'roomful-nginx-'))
  // Run as root, nginx's workers switch to an unprivileged user: they must reach the temp dirs.
  await chmod(dir, 0o755)
  const port = await freePort()
  const site = renderTemplate(await readFile(NGINX_TEMPLATE, 'utf8'), {
    ROOMFUL_LISTEN: `127.0.0.1:${port}`,
    ROOMFUL_UPSTREAMS: upstreams.map((u) => `server ${u} max_fails=1 fail_timeout=5s;`).join(' '),
  })
  await writeFile(join(dir, 'roomful.conf'), site)
  await writeFile(
    join(dir, 'nginx.conf'),
    [
      'daemon off;',
      'worker_processes 1;',
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/error.log warn;`,
      'events { worker_connections 1024; }',
      'http {',
      '  log_format relayed "$status $request_method $uri $upstream_status";',
      `  access_log ${dir}/access.log relayed;`,
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/${t};`),
      `  include ${dir}/roomful.conf;`,
      '}',
    ].join('\n'),
  )
  const spawned = spawnCollecting(nginx, [
    '-p',
    dir,
    '-c',
    join(dir, 'nginx.conf'),
    '-e',
    join(dir, 'error.log'),
  ])
  const url = `http://127.0.0.1:${port}`
  await waitUntilReady(spawned, 'nginx', async () => Boolean(await fetch(`${url}/livez`)), 10_000)
  const { child, exited } = spawned
  return {
    url,
    port,
    accessLog: async () => (await readFile(join(dir, 'access.log'), 'utf8')).split('\n').filter(Boolean),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
      await rm(dir, { recursive: true, force: true })
    },
  }
}
