import { Redis } from 'ioredis'
import { parseDuration } from '../apps/app-admin.js'
import { MysqlAppStore } from '../apps/app-store.mysql.js'
import { RoomfulError } from '../errors.js'
import type { Mysql } from '../storage/mysql.js'
import { addDeliveries, createDeliveryQueue } from '../webhooks/delivery-queue.js'
import { MysqlDeliveryStore } from '../webhooks/delivery-store.mysql.js'
import { MysqlEndpointStore } from '../webhooks/endpoint-store.mysql.js'
import { WebhookAdmin } from '../webhooks/webhook-admin.js'
import type { WebhookEventType } from '../webhooks/webhooks.js'

export const WEBHOOK_USAGE = `  add-webhook <appId> <url> --event message.created [--event …] [--disable]
      Registers an endpoint and prints it with its secret (whsec_…), which the receiver
      verifies signatures with. Events: message.created, message.deleted, message.reported,
      user.banned. URLs must be https to a public address (WEBHOOK_ALLOW_LOOPBACK=true also
      allows loopback, over http too).
  list-webhooks <appId>           Lists endpoints (never their secrets).
  get-webhook <appId> <endpointId>
  update-webhook <appId> <endpointId> [--url …] [--event … (replaces the list)] [--enable | --disable]
  rotate-webhook-secret <appId> <endpointId> [--keep-old-for 1h]
      Prints a new secret; the old one keeps signing too for the given time (default 0).
  delete-webhook <appId> <endpointId>
  list-deliveries <appId> [--dead] [--before <deliveryId>]
      Newest first, 50 at a time; --dead lists only the dead letters.
  redeliver <appId> <deliveryId>  Sends a dead delivery again (needs REDIS_URL and REDIS_PREFIX
      as the nodes have them).`

/** The flags of the webhook commands, merged into the admin CLI's. */
export const WEBHOOK_OPTIONS = {
  event: { type: 'string', multiple: true },
  url: { type: 'string' },
  enable: { type: 'boolean' },
  disable: { type: 'boolean' },
  dead: { type: 'boolean' },
  before: { type: 'string' },
} as const

export interface WebhookCommandValues {
  event?: string[]
  url?: string
  enable?: boolean
  disable?: boolean
  dead?: boolean
  before?: string
  'keep-old-for'?: string
}

export interface WebhookCommandContext {
  db: Mysql
  env: NodeJS.ProcessEnv
  print(line: string): void
  /** The positional argument at `index`, or a usage error naming `what`. */
  arg(index: number, what: string): string
}

const json = (value: unknown) => JSON.stringify(value, null, 2)

/** Runs `command` if it is a webhook command; false when it is not one. */
export async function runWebhookCommand(
  command: string,
  values: WebhookCommandValues,
  ctx: WebhookCommandContext,
): Promise<boolean> {
  const { db, env, print, arg } = ctx
  const enabled = values.enable ? true : values.disable ? false : undefined
  const events = values.event as WebhookEventType[] | undefined
  let redis: Redis | null = null
  const admin = new WebhookAdmin({
    apps: new MysqlAppStore(db),
    endpoints: new MysqlEndpointStore(db),
    deliveries: new MysqlDeliveryStore(db),
    // The CLI's own reading of the setting: it has no node config (production default: off).
    policy: { allowLoopback: env.WEBHOOK_ALLOW_LOOPBACK === 'true' || env.WEBHOOK_ALLOW_LOOPBACK === '1' },
    enqueue: async (jobs) => {
      redis = new Redis(env.REDIS_URL!, { maxRetriesPerRequest: null })
      const queue = createDeliveryQueue(redis, env.REDIS_PREFIX || 'rf:')
      try {
        await addDeliveries(queue, jobs)
      } finally {
        await queue.close()
      }
    },
  })
  try {
    switch (command) {
      case 'add-webhook':
        print(
          json(
            await admin.create(arg(0, 'an app id'), { url: arg(1, 'a URL'), events: events ?? [], enabled }),
          ),
        )
        return true
      case 'list-webhooks':
        for (const e of await admin.list(arg(0, 'an app id')))
          print(`${e.id}\t${e.enabled ? 'enabled' : 'disabled'}\t${e.events.join(',')}\t${e.url}`)
        return true
      case 'get-webhook':
        print(json(await admin.get(arg(0, 'an app id'), arg(1, 'an endpoint id'))))
        return true
      case 'update-webhook':
        print(
          json(
            await admin.update(arg(0, 'an app id'), arg(1, 'an endpoint id'), {
              url: values.url,
              events,
              enabled,
            }),
          ),
        )
        return true
      case 'rotate-webhook-secret': {
        const keep = parseDuration(values['keep-old-for'] ?? '0')
        print(json(await admin.rotateSecret(arg(0, 'an app id'), arg(1, 'an endpoint id'), keep)))
        return true
      }
      case 'delete-webhook':
        await admin.delete(arg(0, 'an app id'), arg(1, 'an endpoint id'))
        print(`deleted ${arg(1, 'an endpoint id')}`)
        return true
      case 'list-deliveries': {
        const page = await admin.listDeliveries(arg(0, 'an app id'), {
          status: values.dead ? 'dead' : undefined,
          limit: 50,
          before: values.before,
        })
        for (const d of page.deliveries)
          print(
            `${d.id}\t${d.status}\t${d.attempts} attempt(s)\t${d.lastStatus ?? '-'}\t${d.eventType}\t` +
              `${d.endpointId}\t${d.lastError ?? ''}`,
          )
        if (page.nextCursor) print(`(more: --before ${page.nextCursor})`)
        return true
      }
      case 'redeliver': {
        if (!env.REDIS_URL)
          throw new RoomfulError(
            'bad_request',
            'redeliver needs REDIS_URL (and REDIS_PREFIX) to reach the queue',
          )
        print(json(await admin.redeliver(arg(0, 'an app id'), arg(1, 'a delivery id'))))
        return true
      }
      default:
        return false
    }
  } finally {
    await (redis as Redis | null)?.quit().catch(() => undefined)
  }
}
