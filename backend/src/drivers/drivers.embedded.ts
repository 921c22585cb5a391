import { MemoryAppStore } from '../apps/app-store.memory.js'
import { MemoryAttachmentRecords } from '../attachments/attachment-records.memory.js'
import type { ThumbnailQueue } from '../attachments/thumbnail-jobs.js'
import { MemoryThumbnailQueue } from '../attachments/thumbnail-queue.memory.js'
import { MemoryAccountStore } from '../auth/account-store.memory.js'
import { MemoryBus } from '../bus/bus.memory.js'
import { MemoryRateLimiter } from '../limits/rate-limiter.memory.js'
import { createLogger, type Logger } from '../logger.js'
import { MemoryAuditStore } from '../moderation/audit-store.memory.js'
import { MemoryMessageStore } from '../messages/message-store.memory.js'
import { MemoryModeratorStore } from '../moderation/moderator-store.memory.js'
import { MemorySanctionStore } from '../moderation/sanction-store.memory.js'
import { MemoryPresenceStore } from '../presence/presence-store.memory.js'
import { DebounceRankingScheduler } from '../ranking/ranking-scheduler.memory.js'
import type { RankingScheduler } from '../ranking/ranking-scheduler.js'
import { MemoryReportStore } from '../reports/report-store.memory.js'
import { MemoryRoomStore } from '../rooms/room-store.memory.js'
import { MemoryDeliveryQueue } from '../webhooks/delivery-queue.memory.js'
import { MemoryDeliveryStore } from '../webhooks/delivery-store.memory.js'
import { MemoryEndpointStore } from '../webhooks/endpoint-store.memory.js'
import type { Drivers } from './drivers.js'

/** In-process drivers for single-process mode: everything is kept in memory and lost on exit. */
export function createEmbeddedDrivers(options: { rankingWindowMs?: number; logger?: Logger } = {}): Drivers {
  const log = options.logger ?? createLogger('warn')
  const rooms = new MemoryRoomStore()
  const bus = new MemoryBus((err) => log.error({ err }, 'a bus subscriber failed'))
  const attachments = new MemoryAttachmentRecords()
  rooms.whenDeleted((appId, roomId) => attachments.dropRoom(appId, roomId))
  const schedulers = new Set<RankingScheduler | ThumbnailQueue | MemoryDeliveryQueue>()
  return {
    mode: 'embedded',
    apps: new MemoryAppStore(),
    accounts: new MemoryAccountStore(),
    rooms,
    messages: new MemoryMessageStore(rooms),
    reports: new MemoryReportStore(rooms),
    presence: new MemoryPresenceStore(),
    bus,
    rankingScheduler(processor) {
      const scheduler = new DebounceRankingScheduler(processor, {
        windowMs: options.rankingWindowMs,
        onError: (err, appId) => log.warn({ err, appId }, 'ranking recompute failed'),
      })
      schedulers.add(scheduler)
      return scheduler
    },
    attachments,
    thumbnailQueue(processor) {
      const queue = new MemoryThumbnailQueue(processor, (err) => log.warn({ err }, 'thumbnail job failed'))
      schedulers.add(queue)
      return queue
    },
    webhookEndpoints: new MemoryEndpointStore(),
    webhookDeliveries: new MemoryDeliveryStore(),
    audit: new MemoryAuditStore(),
    webhookQueue(processor, queueOptions) {
      const queue = new MemoryDeliveryQueue(processor, queueOptions, (err) =>
        log.warn({ err }, 'webhook delivery job failed'),
      )
      schedulers.add(queue)
      return queue
    },
    sanctions: new MemorySanctionStore(),
    moderators: new MemoryModeratorStore(),
    limiter: new MemoryRateLimiter(),
    probes: {},
    failFastWhile() {
      // In process: nothing to be unreachable.
    },
    async close() {
      await Promise.all([...schedulers].map((s) => s.close()))
      await bus.close()
    },
  }
}
