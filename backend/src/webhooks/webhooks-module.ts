import type { Config } from '../config.js'
import type { Logger } from '../logger.js'
import type { Metrics } from '../metrics/metrics.js'
import type { Drivers } from '../drivers/drivers.js'
import { createDeliveryProcessor } from './delivery-processor.js'
import type { DeliveredMark } from './delivery-store.js'
import { EndpointCache } from './endpoint-cache.js'
import { GroupCommit } from './group-commit.js'
import { WebhookAdmin } from './webhook-admin.js'
import { WebhookDispatcher } from './webhook-dispatcher.js'
import { WebhookSender } from './webhook-sender.js'

/**
 * Builds the webhooks feature from the drivers and the config, for the composition root:
 * `webhooks` for the services that emit events, `admin` for the admin routes.
 */
export function createWebhooks(deps: { drivers: Drivers; config: Config; metrics: Metrics; log: Logger }): {
  webhooks: WebhookDispatcher
  admin: WebhookAdmin
} {
  const { drivers, config, metrics, log } = deps
  const endpoints = drivers.webhookEndpoints
  const deliveries = drivers.webhookDeliveries
  const policy = { allowLoopback: config.webhookAllowLoopback }
  const sender = new WebhookSender({ timeoutMs: config.webhookTimeoutMs, policy })
  const cache = new EndpointCache(endpoints)
  const forget = (appId: string) => cache.invalidate(appId)
  // Successful attempts are recorded together: one UPDATE for all that finish meanwhile.
  const delivered = new GroupCommit<DeliveredMark>((marks) => deliveries.markDelivered(marks))
  const queue = drivers.webhookQueue(
    createDeliveryProcessor({
      endpoint: async (appId, id) => (await cache.get(appId)).byId.get(id) ?? null,
      endpoints,
      deliveries,
      delivered: (mark) => delivered.add(mark),
      post: (url, headers, body) => sender.post(url, headers, body),
      attempts: config.webhookAttempts,
      backoffMs: config.webhookBackoffMs,
      endpointsChanged: forget,
      observe: (outcome, seconds) => metrics.webhookAttempt(outcome, seconds),
      log,
    }),
    { timeoutMs: config.webhookTimeoutMs },
  )
  const webhooks = new WebhookDispatcher({
    endpoints: cache,
    deliveries,
    queue,
    sender,
    onDropped: () => metrics.webhookEventsDropped.inc(),
    log,
  })
  const admin = new WebhookAdmin({
    apps: drivers.apps,
    endpoints,
    deliveries,
    policy,
    enqueue: (jobs) => queue.enqueue(jobs),
    changed: forget,
  })
  return { webhooks, admin }
}
