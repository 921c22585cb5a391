import { newSortableId } from '../ids.js'
import type { Logger } from '../logger.js'
import type { DeliveryQueue } from './delivery-jobs.js'
import type { DeliveryRecord, DeliveryStore } from './delivery-store.js'
import type { EndpointStore } from './endpoint-store.js'
import type { WebhookEvent, WebhookEventType, Webhooks } from './webhooks.js'

/** How long a node trusts its copy of an app's endpoints when another node changed them. */
export const ENDPOINT_CACHE_MS = 5_000
/** Events held for storing at most; beyond it (the store is down or far behind) new ones are
 * dropped and counted in the log rather than growing memory without bound. */
const MAX_BUFFERED = 10_000
/** Deliveries stored (one INSERT) and queued (one round trip) together at most. */
const BATCH_DELIVERIES = 500
/** Deliveries older than this are deleted, whatever their state. */
export const DELIVERY_RETENTION_MS = 30 * 86_400_000
const PRUNE_INTERVAL_MS = 3_600_000
const PRUNE_BATCH = 1_000

interface Subscriptions {
  loadedAt: number
  /** Ids of the enabled endpoints subscribed to each type; absent types have none. */
  byType: Map<WebhookEventType, string[]>
}

interface Pending {
  event: WebhookEvent
  endpointIds: string[]
}

/**
 * `Webhooks` as the services see it. `emit` never waits: with a warm cache it is a map lookup,
 * and nothing at all happens when no endpoint of the app subscribes to the type; with a cold
 * or expired one it starts one load of the app's endpoints (shared by every event meanwhile)
 * and returns. A subscribed event is buffered, and on a later turn of the event loop the buffer is
 * written as one delivery per endpoint (one INSERT per batch) and queued (one round trip per
 * batch). Each app's endpoints are cached: forgotten at once when they change on this node,
 * reloaded after ENDPOINT_CACHE_MS otherwise.
 */
export class WebhookDispatcher implements Webhooks {
  private readonly cache = new Map<string, Subscriptions>()
  private readonly loading = new Map<string, Promise<Subscriptions>>()
  private buffer: Pending[] = []
  /** Events waiting for their app's endpoints to load, counted against MAX_BUFFERED too. */
  private waitingForLoad = 0
  private flushing: Promise<void> | null = null
  private dropped = 0
  private closed = false
  private readonly pruner: NodeJS.Timeout

  constructor(
    private readonly deps: {
      endpoints: EndpointStore
      deliveries: DeliveryStore
      queue: DeliveryQueue
      /** Ends the attempts in flight at shutdown. */
      sender: { close(): void }
      log: Logger
    },
  ) {
    this.pruner = setInterval(() => void this.prune(), PRUNE_INTERVAL_MS)
    this.pruner.unref()
  }

  emit(event: WebhookEvent): void {
    if (this.closed) return
    const cached = this.cache.get(event.appId)
    if (cached && Date.now() - cached.loadedAt < ENDPOINT_CACHE_MS) return this.accept(event, cached)
    // Not loaded yet, or older than the cache time: the event waits for a fresh copy (one load
    // per app at a time, however many events wait), off the caller's path all the same.
    if (this.buffer.length + this.waitingForLoad >= MAX_BUFFERED) return this.drop()
    this.waitingForLoad += 1
    this.load(event.appId).then(
      (subscriptions) => {
        this.waitingForLoad -= 1
        this.accept(event, subscriptions)
      },
      (err: unknown) => {
        this.waitingForLoad -= 1
        this.deps.log.warn({ err, app: event.appId }, 'unable to load webhook endpoints; an event is lost')
      },
    )
  }

  /** Forgets the app's endpoints, so a change made on this node applies to the next event. */
  invalidate(appId: string): void {
    this.cache.delete(appId)
    this.loading.delete(appId)
  }

  /** Stores and queues what was emitted before, then ends the attempts in flight. */
  async close(): Promise<void> {
    this.closed = true
    clearInterval(this.pruner)
    // Events emitted before closing are stored: those waiting for a load, then the buffer.
    await Promise.allSettled([...this.loading.values()])
    await this.flushing
    const closing = this.deps.queue.close()
    this.deps.sender.close()
    await closing
  }

  private accept(event: WebhookEvent, subscriptions: Subscriptions): void {
    const endpointIds = subscriptions.byType.get(event.type)
    if (!endpointIds) return
    if (this.buffer.length + this.waitingForLoad >= MAX_BUFFERED) return this.drop()
    this.buffer.push({ event, endpointIds })
    this.flushing ??= this.flush().finally(() => (this.flushing = null))
  }

  private drop(): void {
    // Logged on the first loss and then every thousandth, so a flood does not flood the log.
    if (this.dropped++ % 1000 === 0)
      this.deps.log.error(
        { dropped: this.dropped },
        'webhook events dropped: deliveries cannot be stored as fast as events come',
      )
  }

  private load(appId: string): Promise<Subscriptions> {
    const inFlight = this.loading.get(appId)
    if (inFlight) return inFlight
    const loading = this.deps.endpoints.list(appId).then((endpoints) => {
      const byType = new Map<WebhookEventType, string[]>()
      for (const endpoint of endpoints)
        if (endpoint.enabled)
          for (const type of endpoint.events) byType.set(type, [...(byType.get(type) ?? []), endpoint.id])
      const subscriptions = { loadedAt: Date.now(), byType }
      // A load that an invalidation overtook must not put its older copy back.
      if (this.loading.get(appId) === loading) this.cache.set(appId, subscriptions)
      return subscriptions
    })
    this.loading.set(appId, loading)
    const settle = () => {
      if (this.loading.get(appId) === loading) this.loading.delete(appId)
    }
    loading.then(settle, settle)
    return loading
  }

  private async flush(): Promise<void> {
    // Let the caller's turn finish first, and gather what the same turn emits.
    await new Promise((resolve) => setImmediate(resolve))
    while (this.buffer.length > 0) {
      let events = 0
      for (let deliveries = 0; events < this.buffer.length && deliveries < BATCH_DELIVERIES; events++)
        deliveries += this.buffer[events]!.endpointIds.length
      await this.store(this.buffer.splice(0, events).flatMap((pending) => this.deliveriesOf(pending)))
    }
  }

  private deliveriesOf({ event, endpointIds }: Pending): DeliveryRecord[] {
    let payload: string
    try {
      payload = JSON.stringify({
        type: event.type,
        timestamp: event.occurredAt.toISOString(),
        data: event.data,
      })
    } catch (err) {
      this.deps.log.error({ err, type: event.type }, 'unable to serialize a webhook event; it is lost')
      return []
    }
    const createdAt = new Date()
    return endpointIds.map((endpointId) => ({
      id: newSortableId('msg'),
      appId: event.appId,
      endpointId,
      eventType: event.type,
      payload,
      status: 'pending',
      attempts: 0,
      lastStatus: null,
      lastError: null,
      createdAt,
      lastAttemptAt: null,
      nextAttemptAt: null,
      deliveredAt: null,
    }))
  }

  private async store(batch: DeliveryRecord[]): Promise<void> {
    const { deliveries, queue, log } = this.deps
    try {
      await deliveries.insertMany(batch)
    } catch (err) {
      log.error({ err, count: batch.length }, 'unable to store webhook deliveries; their events are lost')
      return
    }
    try {
      await queue.enqueue(batch.map((d) => ({ appId: d.appId, deliveryId: d.id })))
    } catch (err) {
      // Stored but not queued: dead letters an operator can see and redeliver.
      log.error({ err, count: batch.length }, 'unable to queue webhook deliveries; marking them dead')
      await Promise.allSettled(
        batch.map((d) =>
          deliveries.update(d.appId, d.id, { status: 'dead', lastError: 'unable to queue the delivery' }),
        ),
      )
    }
  }

  private async prune(): Promise<void> {
    const olderThan = new Date(Date.now() - DELIVERY_RETENTION_MS)
    try {
      // Bounded batches, so one node never holds a long delete.
      for (let i = 0; i < 100; i++)
        if ((await this.deps.deliveries.prune(olderThan, PRUNE_BATCH)) < PRUNE_BATCH) break
    } catch (err) {
      this.deps.log.warn({ err }, 'unable to prune old webhook deliveries')
    }
  }
}
