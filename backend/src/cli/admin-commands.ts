import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { SignJWT } from 'jose'
import { DEFAULT_LIMITS } from '@roomful/sdk/protocol'
import { AppAdmin, parseDuration } from '../apps/app-admin.js'
import { KEY_ALGORITHMS, type KeyAlgorithm } from '../apps/app-store.js'
import { MysqlAppStore } from '../apps/app-store.mysql.js'
import { HOST_AUDIENCE } from '../auth/tokens.js'
import { RoomfulError } from '../errors.js'
import { migrate } from '../storage/migrate.js'
import { createMysql } from '../storage/mysql.js'
import { AUDIT_USAGE, runAuditCommand } from './audit-commands.js'
import { ROOM_OPTIONS, ROOM_USAGE, runRoomCommand } from './room-commands.js'
import { MODERATOR_USAGE, runModeratorCommand } from './moderator-commands.js'
import { runSanctionCommand, SANCTION_OPTIONS, SANCTION_USAGE } from './sanction-commands.js'
import { runWebhookCommand, WEBHOOK_OPTIONS, WEBHOOK_USAGE } from './webhook-commands.js'

export const USAGE = `Roomful admin (production mode: needs MYSQL_URL)

  create-app <id> [--name "My site"] [--origin https://www.example.com …] [--guests]
      Creates an app and prints it with its secret (the secret signs user tokens: keep it on
      your server). Refused if the app exists.
  list-apps                       Lists apps (never their secrets).
  get-app <id>                    Prints one app (never its secrets).
  update-app <id> [--name …] [--origin … (replaces the list)] [--guests | --no-guests]
             [--limit maxMessageLength=2000 …]
  disable-app <id> | enable-app <id>
  rotate-secret <id> [--keep-old-for 1h]
      Prints a new secret; the old one keeps verifying tokens for the given time (default 0).
  add-key <id> --kid <kid> --alg ES256|EdDSA|RS256 (--key-file key.pem|key.jwk.json | --key '<jwk or pem>')
  remove-key <id> <kid>
  set-jwks <id> <url|none>        Where the app publishes its signing keys as a JWKS.
  delete-app <id>
  mint-token <appId> <userId> [--name "Display Name"] [--ttl 1h]
      Prints a user token signed with the app's secret, for trying things out.

Moderators:
${MODERATOR_USAGE}
${SANCTION_USAGE}

Webhooks:
${WEBHOOK_USAGE}

Moderation:
${ROOM_USAGE}
${AUDIT_USAGE}

Changes reach running nodes within their 5 s app and webhook caches; key caches follow on their
next lookup.`

export interface AdminIo {
  env: NodeJS.ProcessEnv
  print(line: string): void
}

export class UsageError extends Error {}

const json = (value: unknown) => JSON.stringify(value, null, 2)

/** Runs one admin command against the production database; returns the exit code. */
export async function runAdmin(argv: string[], io: AdminIo): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      origin: { type: 'string', multiple: true },
      guests: { type: 'boolean' },
      'no-guests': { type: 'boolean' },
      limit: { type: 'string', multiple: true },
      ttl: { type: 'string', default: '1h' },
      'keep-old-for': { type: 'string', default: '0' },
      kid: { type: 'string' },
      alg: { type: 'string' },
      key: { type: 'string' },
      'key-file': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      ...WEBHOOK_OPTIONS,
      ...ROOM_OPTIONS,
      ...SANCTION_OPTIONS,
    },
  })
  const [command, ...args] = positionals
  if (!command || values.help) {
    io.print(USAGE)
    return command ? 0 : 64
  }
  const url = io.env.MYSQL_URL
  if (!url)
    throw new UsageError('unable to reach the apps; set MYSQL_URL (embedded mode keeps apps in memory only)')
  const needId = (what = 'an app id') => {
    if (!args[0]) throw new UsageError(`${command} needs ${what}`)
    return args[0]
  }
  const guests = values.guests ? true : values['no-guests'] ? false : undefined
  const limits = values.limit && parseLimits(values.limit)

  const db = createMysql(url)
  try {
    await migrate(db)
    const store = new MysqlAppStore(db)
    const admin = new AppAdmin(store)
    switch (command) {
      case 'create-app':
        io.print(
          json(
            await admin.create({
              id: needId(),
              name: values.name,
              allowedOrigins: values.origin,
              allowGuests: guests,
              ...(limits && { limits }),
            }),
          ),
        )
        return 0
      case 'list-apps':
        for (const app of await admin.list())
          io.print(
            `${app.id}\t${app.name}\t${app.disabled ? 'disabled' : 'enabled'}\t${app.allowedOrigins.join(' ')}`,
          )
        return 0
      case 'get-app':
        io.print(json(await admin.get(needId())))
        return 0
      case 'update-app':
        io.print(
          json(
            await admin.update(needId(), {
              name: values.name,
              allowedOrigins: values.origin,
              allowGuests: guests,
              ...(limits && { limits }),
            }),
          ),
        )
        return 0
      case 'disable-app':
      case 'enable-app':
        io.print(json(await admin.update(needId(), { disabled: command === 'disable-app' })))
        return 0
      case 'rotate-secret':
        io.print(json(await admin.rotateSecret(needId(), parseDuration(values['keep-old-for']!))))
        return 0
      case 'add-key': {
        const alg = values.alg as KeyAlgorithm
        if (!values.kid || !KEY_ALGORITHMS.includes(alg))
          throw new UsageError(`add-key needs --kid and --alg (${KEY_ALGORITHMS.join(', ')})`)
        const publicKey = values['key-file'] ? await readFile(values['key-file'], 'utf8') : values.key
        if (!publicKey) throw new UsageError('add-key needs --key-file or --key')
        io.print(json(await admin.addKey(needId(), { kid: values.kid, alg, publicKey })))
        return 0
      }
      case 'remove-key':
        if (!args[1]) throw new UsageError('remove-key needs an app id and a kid')
        io.print(json(await admin.removeKey(needId(), args[1])))
        return 0
      case 'set-jwks': {
        const target = args[1]
        if (!target) throw new UsageError('set-jwks needs an app id and a URL (or none)')
        io.print(json(await admin.update(needId(), { jwksUrl: target === 'none' ? null : target })))
        return 0
      }
      case 'delete-app':
        await admin.delete(needId())
        io.print(`deleted ${args[0]}`)
        return 0
      case 'mint-token': {
        const [appId, sub] = args
        if (!appId || !sub) throw new UsageError('mint-token needs an app id and a user id')
        const app = await store.get(appId)
        if (!app) throw new UsageError(`no app "${appId}"`)
        const token = await new SignJWT({ name: values.name ?? sub })
          .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
          .setIssuer(app.id)
          .setAudience(HOST_AUDIENCE)
          .setSubject(sub)
          .setIssuedAt()
          .setExpirationTime(values.ttl!)
          .sign(new TextEncoder().encode(app.secret))
        io.print(token)
        return 0
      }
      default: {
        const arg = (index: number, what: string) => {
          if (!args[index]) throw new UsageError(`${command} needs ${what}`)
          return args[index]
        }
        if (await runModeratorCommand(command, { db, env: io.env, print: io.print, arg })) return 0
        if (await runWebhookCommand(command, values, { db, env: io.env, print: io.print, arg })) return 0
        if (await runAuditCommand(command, values, { db, print: io.print, arg })) return 0
        if (await runRoomCommand(command, values, { db, env: io.env, print: io.print, arg })) return 0
        if (await runSanctionCommand(command, values, { db, env: io.env, print: io.print, arg })) return 0
        throw new UsageError(`unknown command "${command}"`)
      }
    }
  } catch (err) {
    // Service refusals (unknown app, bad key, …) are the operator's input, not a crash.
    if (err instanceof RoomfulError) throw new UsageError(err.message)
    throw err
  } finally {
    await db.close()
  }
}

function parseLimits(pairs: string[]): Record<string, number> {
  const limits: Record<string, number> = {}
  for (const pair of pairs) {
    const [key, value] = pair.split('=')
    if (!key || !(key in DEFAULT_LIMITS))
      throw new UsageError(`--limit names one of ${Object.keys(DEFAULT_LIMITS).join(', ')}`)
    if (!value || !/^\d+$/.test(value)) throw new UsageError(`--limit takes name=integer, got "${pair}"`)
    limits[key] = Number(value)
  }
  return limits
}
