import { Redis } from 'ioredis'
import { MysqlAppStore } from '../apps/app-store.mysql.js'
import { MysqlAttachmentRecords } from '../attachments/attachment-records.mysql.js'
import { BullmqThumbnailQueue } from '../attachments/thumbnail-queue.bullmq.js'
import { MysqlAccountStore } from '../auth/account-store.mysql.js'
import { RedisBus } from '../bus/bus.redis.js'
import { MysqlMessageStore } from '../messages/message-store.mysql.js'
import { RedisPresenceStore } from '../presence/presence-store.redis.js'
import { BullmqRankingScheduler } from '../ranking/ranking-scheduler.bullmq.js'
import { MysqlRoomStore } from '../rooms/room-store.mysql.js'
import type { Drivers } from './drivers.js'
import { migrate } from './migrate.js'
import { createMysql } from './mysql.js'
import { redisRetryStrategy } from './redis-retry.js'
import { mysqlProbe } from './mysql-probe.js'

export interface ProductionDriverOptions {
  mysqlUrl: string
  redisUrl: string
  /** Prefix of every Redis key and channel; default `rf:`. */
  prefix?: string
  logger?: { info(msg: string): void; warn(obj: object, msg: string): void }
  /** Ranking coalescing window; default 100 ms. */
  rankingWindowMs?: number
  mysqlConnectionLimit?: number
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
  const db = createMysql(options.mysqlUrl, { connectionLimit: options.mysqlConnectionLimit })
  const redisOptions = { maxRetriesPerRequest: 3, lazyConnect: false, retryStrategy: redisRetryStrategy }
  const connections: Redis[] = []
  try {
    await migrate(db, { log: (msg) => options.logger?.info(msg) })
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
      connection.on('error', (err: Error) =>
        options.logger?.warn({ err }, 'Redis connection error; reconnecting'),
      )
    await commands.ping()

    const presence = new RedisPresenceStore(commands, { prefix })
    const bus = new RedisBus(publisher, subscriber, { prefix })
    const schedulers = new Set<BullmqRankingScheduler | BullmqThumbnailQueue>()
    const rooms = new MysqlRoomStore(db)
    const mysql = mysqlProbe(options.mysqlUrl)
    return {
      mode: 'production',
      apps: new MysqlAppStore(db),
      accounts: new MysqlAccountStore(db),
      rooms,
      messages: new MysqlMessageStore(db),
      presence,
      bus,
      rankingScheduler(processor) {
        const scheduler = new BullmqRankingScheduler(processor, {
          redisUrl: options.redisUrl,
          prefix,
          windowMs: options.rankingWindowMs,
        })
        schedulers.add(scheduler)
        return scheduler
      },
      attachments: new MysqlAttachmentRecords(db),
      thumbnailQueue(processor) {
        const queue = new BullmqThumbnailQueue(processor, { redisUrl: options.redisUrl, prefix })
        schedulers.add(queue)
        return queue
      },
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
