import { parseArgs } from 'node:util'
import { SignJWT } from 'jose'
import { AppService } from '../apps/app-service.js'
import { MysqlAppStore } from '../apps/app-store.mysql.js'
import { HOST_AUDIENCE } from '../auth/tokens.js'
import { migrate } from '../storage/migrate.js'
import { createMysql } from '../storage/mysql.js'

const USAGE = `Roomful admin (production mode: needs MYSQL_URL)

  npm run admin -- create-app <id> --name "My site" --origin https://www.example.com [--origin …]
      Creates an app and prints its id and secret (the secret signs user tokens: keep it on
      your server). Does nothing if the app exists.
  npm run admin -- list-apps
      Lists apps with their allowed origins (never their secrets).
  npm run admin -- mint-token <appId> <userId> [--name "Display Name"] [--ttl 1h]
      Prints a user token signed with the app's secret, for trying things out.`

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      origin: { type: 'string', multiple: true },
      ttl: { type: 'string', default: '1h' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const [command, ...args] = positionals
  if (!command || values.help) {
    console.log(USAGE)
    return command ? 0 : 64
  }
  const url = process.env.MYSQL_URL
  if (!url) {
    console.error('unable to reach the apps; set MYSQL_URL (embedded mode keeps apps in memory only)')
    return 78
  }
  const db = createMysql(url)
  try {
    await migrate(db)
    const store = new MysqlAppStore(db)
    switch (command) {
      case 'create-app': {
        const [id] = args
        if (!id || !/^[A-Za-z0-9_-]{1,64}$/.test(id))
          throw new UsageError('create-app needs an id of letters, digits, _ or -')
        const app = await new AppService(store).ensure({
          id,
          name: values.name ?? id,
          allowedOrigins: values.origin ?? [],
        })
        console.log(
          JSON.stringify(
            { id: app.id, name: app.name, allowedOrigins: app.allowedOrigins, secret: app.secret },
            null,
            2,
          ),
        )
        return 0
      }
      case 'list-apps': {
        for (const app of await store.list())
          console.log(
            `${app.id}\t${app.name}\t${app.disabled ? 'disabled' : 'enabled'}\t${app.allowedOrigins.join(' ')}`,
          )
        return 0
      }
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
        console.log(token)
        return 0
      }
      default:
        throw new UsageError(`unknown command "${command}"`)
    }
  } finally {
    await db.close()
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(
      err instanceof UsageError ? `${err.message}\n\n${USAGE}` : `unable to run the admin command: ${err}`,
    )
    process.exit(err instanceof UsageError ? 64 : 1)
  },
)
