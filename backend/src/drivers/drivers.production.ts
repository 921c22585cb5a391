import { Redis } from 'ioredis'
import { MysqlAppStore } from '../apps/app-store.mysql.js'
import { MysqlAttachmentRecords } from '../attachments/attachment-records.mysql.js'
import { BullmqThumbnailQueue } from '../attachments/thumbnail-queue.bullmq.js'
import { MysqlAccountStore } from '../auth/account-store.mysql.js'
import { RedisBus } from '../bus/bus.redis.js'
import { RedisRateLimiter } from '../limits/rate-limiter.redis.js'
import { createLogger, errorFields, onceInAWhile, type Logger } from '../logger.js'
import { MysqlAuditStore } from '../moderation/audit-store.mysql.js'
import { MysqlMessageStore } from '../messages/message-store.mysql.js'
import { MysqlModeratorStore } from '../moderation/moderator-store.mysql.js'
import { MysqlSanctionStore } from '../moderation/sanction-store.mysql.js'
import { RedisPresenceStore } from '../presence/presence-store.redis.js'
import { BullmqRankingScheduler } from '../ranking/ranking-scheduler.bullmq.js'
import type { JobQueueRegistry } from '../metrics/metrics.js'
import { MysqlReportStore } from '../reports/report-store.mysql.js'
import { MysqlRoomStore } from '../rooms/room-store.mysql.js'
import { migrate } from '../storage/migrate.js'
import { createMysql } from '../storage/mysql.js'
import { BullmqDeliveryQueue } from '../webhooks/delivery-queue.bullmq.js'
import { MysqlDeliveryStore } from '../webhooks/delivery-store.mysql.js'
import { MysqlEndpointStore } from '../webhooks/endpoint-store.mysql.js'
import type { Drivers } from './drivers.js'
import { mysqlProbe } from '../storage/mysql-probe.js'
import { redisRetryStrategy } from '../storage/redis-retry.js'

export interface ProductionDriverOptions {
  mysqlUrl: string
  redisUrl: string
  /** Prefix of every Redis key and channel; default `rf:`. */
  prefix?: string
  /** Where driver errors go (Redis connections, BullMQ, the bus); default: JSON at `warn`. */
  logger?: Logger
  /** Where the BullMQ queues report their depth (the node's metrics). */
  queues?: JobQueueRegistry
  /** Ranking coalescing window; default 100 ms. */
  rankingWindowMs?: number
  mysqlConnectionLimit?: number
  /** See `MysqlOptions.compoundStatements`; tests pass `false` to run MySQL's statement forms. */
  mysqlCompoundStatements?: boolean
}

export type ProductionDrivers = Drivers & {
  /** SQL statements sent so far (all stores share one pool). */
  statementCount(): number
  /** Round trips the presence store made to Redis so far (each of its calls is exactly one);
   * the bus and BullMQ are not counted. */
  redisCommandCount(): number
}

/** MySQL + Redis + BullMQ. Migrates the schema before returning. */
export async function createProductionDrivers(options: ProductionDriverOptions): Promise<ProductionDrivers> {
  const prefix = options.prefix ?? 'rf:'
  const log = options.logger ?? createLogger('warn')
  const { redisUrl, queues } = options
  const db = createMysql(options.mysqlUrl, {
    connectionLimit: options.mysqlConnectionLimit,
    compoundStatements: options.mysqlCompoundStatements,
  })
  const redisOptions = { maxRetriesPerRequest: 3, lazyConnect: false, retryStrategy: redisRetryStrategy }
  const connections: Redis[] = []
  // Connections retry on their own and fail the same way on every attempt: log it now and then.
  const redisError = onceInAWhile((err, repeats) =>
    log.warn({ ...errorFields(err), repeats }, 'Redis connection error; reconnecting'),
  )
  const jobError = onceInAWhile((err, repeats) =>
    log.warn({ ...errorFields(err), repeats }, 'a background job or its Redis connection failed'),
  )
  let lastRedisError: unknown
  try {
    await migrate(db, { log: (msg) => log.info(msg) }).catch((err: unknown) => {
      throw unavailable('MySQL', options.mysqlUrl, err)
    })
    const commands = new Redis(options.redisUrl, redisOptions)
    const publisher = new Redis(options.redisUrl, redisOptions)
    // A subscriber must keep retrying: giving up would silently stop fan-out to this node.
    const subscriber = new Redis(options.redisUrl, {
      maxRetriesPerRequest: null,
      retryStrategy: redisRetryStrategy,
    })
    connections.push(commands, publisher, subscriber)
    // ioredis reconnects by itself; without a listener each socket error would be printed as
    // an unhandled 'error' event instead of going to the log.
    for (const connection of connections)
      connection.on('error', (err: Error) => {
        lastRedisError = err
        redisError(err)
      })
    await commands.ping().catch((err: unknown) => {
      throw unavailable('Redis', options.redisUrl, lastRedisError ?? err)
    })

    const presence = new RedisPresenceStore(commands, { prefix })
    const bus = new RedisBus(publisher, subscriber, {
      prefix,
      onError: (err) => log.error({ err }, 'a bus subscriber failed'),
    })
    // Every BullMQ queue logs its errors alike and reports its depth; close() stops them all.
    const schedulers = new Set<{ close(): Promise<void> }>()
    const started = <Q extends { close(): Promise<void> }>(queue: Q): Q => {
      schedulers.add(queue)
      return queue
    }
    const jobs = { redisUrl, prefix, onError: jobError, queues }
    const rooms = new MysqlRoomStore(db)
    const mysql = mysqlProbe(options.mysqlUrl)
    return {
      mode: 'production',
      apps: new MysqlAppStore(db),
      accounts: new MysqlAccountStore(db),
      rooms,
      messages: new MysqlMessageStore(db),
      reports: new MysqlReportStore(db),
      presence,
      bus,
      rankingScheduler: (processor) =>
        started(new BullmqRankingScheduler(processor, { ...jobs, windowMs: options.rankingWindowMs })),
      attachments: new MysqlAttachmentRecords(db),
      thumbnailQueue: (processor) => started(new BullmqThumbnailQueue(processor, jobs)),
      webhookEndpoints: new MysqlEndpointStore(db),
      webhookDeliveries: new MysqlDeliveryStore(db),
      audit: new MysqlAuditStore(db),
      webhookQueue: (processor, queueOptions) =>
        started(new BullmqDeliveryQueue(processor, { ...queueOptions, ...jobs })),
      sanctions: new MysqlSanctionStore(db),
      moderators: new MysqlModeratorStore(db),
      failFastWhile: (isDown) => db.refuseWhile(() => isDown('mysql')),
      limiter: new RedisRateLimiter(commands, prefix),
      probes: {
        mysql: mysql.probe,
        // Not connected is down at once: a command would only wait in ioredis's offline queue.
        async redis() {
          if (commands.status !== 'ready') throw new Error(`the Redis connection is ${commands.status}`)
          await commands.ping()
        },
      },
      async close() {
        await Promise.allSettled([...schedulers].map((s) => s.close()))
        await bus.close()
        await Promise.allSettled([commands.quit(), db.close(), mysql.close()])
      },
      statementCount: () => db.statementCount(),
      redisCommandCount: () => presence.roundTrips,
    }
  } catch (err) {
    await Promise.allSettled([db.close(), ...connections.map((c) => c.quit())])
    throw err
  }
}

/** Start-up could not use a backing service: says which and where (never the credentials),
 * keeping the cause's code (ECONNREFUSED…) for the log. */
function unavailable(service: string, url: string, cause: unknown): Error {
  const { host, pathname } = new URL(url)
  const fields = errorFields(cause)
  const why = 'code' in fields ? fields.error : cause instanceof Error ? cause.message : String(cause)
  return Object.assign(new Error(`${service} at ${host}${pathname} is not usable; ${why}`, { cause }), {
    code: 'code' in fields ? fields.code : 'SERVICE_UNAVAILABLE',
  })
}
