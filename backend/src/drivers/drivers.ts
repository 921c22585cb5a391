import type { AppStore } from '../apps/app-store.js'
import type { AccountStore } from '../auth/account-store.js'
import type { AttachmentRecords } from '../attachments/attachment-records.js'
import type { ThumbnailProcessor, ThumbnailQueue } from '../attachments/thumbnail-jobs.js'
import type { Bus } from '../bus/bus.js'
import type { Probe } from '../health/store-health.js'
import type { RateLimiter } from '../limits/rate-limiter.js'
import type { AuditStore } from '../moderation/audit-log.js'
import type { MessageStore } from '../messages/message-store.js'
import type { ModeratorStore } from '../moderation/moderator-store.js'
import type { SanctionStore } from '../moderation/sanction-store.js'
import type { PresenceStore } from '../presence/presence-store.js'
import type { RankingProcessor, RankingScheduler } from '../ranking/ranking-scheduler.js'
import type { ReportStore } from '../reports/report-store.js'
import type { RoomStore } from '../rooms/room-store.js'
import type { DeliveryProcessor, DeliveryQueue, DeliveryQueueOptions } from '../webhooks/delivery-jobs.js'
import type { DeliveryStore } from '../webhooks/delivery-store.js'
import type { EndpointStore } from '../webhooks/endpoint-store.js'

/**
 * Everything stateful the backend needs, behind interfaces. Chosen once at start-up by the
 * composition root (embedded: in-process; production: MySQL + Redis + BullMQ); nothing else
 * knows which drivers run.
 */
export interface Drivers {
  mode: 'embedded' | 'production'
  apps: AppStore
  accounts: AccountStore
  rooms: RoomStore
  messages: MessageStore
  /** Members' reports of messages, for moderators. */
  reports: ReportStore
  presence: PresenceStore
  bus: Bus
  /** Starts the coalescing scheduler whose jobs run `processor` (on whichever node). */
  rankingScheduler(processor: RankingProcessor): RankingScheduler
  /** Attachment metadata (the bytes are in the AttachmentStore, chosen from the config). */
  attachments: AttachmentRecords
  /** Starts the queue whose jobs make thumbnails with `processor` (on whichever node). */
  thumbnailQueue(processor: ThumbnailProcessor): ThumbnailQueue
  /** Webhook endpoints per app, and the record of every delivery (the dead letters included). */
  webhookEndpoints: EndpointStore
  webhookDeliveries: DeliveryStore
  /** Every moderation action, per app. */
  audit: AuditStore
  /** Starts the queue whose jobs attempt webhook deliveries with `processor` (on whichever node). */
  webhookQueue(processor: DeliveryProcessor, options: DeliveryQueueOptions): DeliveryQueue
  /** Bans and mutes, and the moderators operators granted (both survive restarts in production). */
  sanctions: SanctionStore
  moderators: ModeratorStore
  /** Rate-limit counters; in production shared by every node. */
  limiter: RateLimiter
  /** One quick check per backing service, by name (`mysql`, `redis`), for the health monitor
   * behind /readyz; none in embedded mode. */
  probes: Record<string, Probe>
  /** Lets the drivers refuse at once the stores `isDown` names, rather than wait on them. */
  failFastWhile(isDown: (store: string) => boolean): void
  close(): Promise<void>
}
