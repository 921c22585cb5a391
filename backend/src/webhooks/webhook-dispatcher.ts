import { newSortableId } from '../ids.js'
import type { Logger } from '../logger.js'
import type { DeliveryQueue } from './delivery-jobs.js'
import type { DeliveryRecord, DeliveryStore } from './delivery-store.js'
import type { AppEndpoints, EndpointCache } from './endpoint-cache.js'
import { messageOf, withoutMessageContent } from './webhook-payloads.js'
import type { WebhookEvent, Webhooks } from './webhooks.js'

/** Events held for storing at most; beyond it (the store is down or far behind) new ones are
 * dropped and counted in the log rather than growing memory without bound. */
const MAX_BUFFERED = 10_000
/** Deliveries stored (one INSERT) and queued (one round trip) together at most. */
const BATCH_DELIVERIES = 500
/** Deliveries older than this are deleted, whatever their state. */
export const DELIVERY_RETENTION_MS = 30 * 86_400_000
const PRUNE_INTERVAL_MS = 3_600_000
const PRUNE_BATCH = 1_000
/** forgetMessage's second pass, for bodies other nodes were still storing at the delete:
 * well past the time an emitted event takes to be stored, even with a slow store. */
export const FORGET_AGAIN_MS = 10_000

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
 * batch). Which endpoints subscribe comes from the EndpointCache.
 */
export class WebhookDispatcher implements Webhooks {
  private buffer: Pending[] = []
  /** Events waiting for their app's endpoints to load, counted against MAX_BUFFERED too. */
  private waitingForLoad = 0
  private flushing: Promise<void> | null = null
  private dropped = 0
  private closed = false
  private readonly pruner: NodeJS.Timeout
  private readonly forgetting = new Set<NodeJS.Timeout>()

  constructor(
    private readonly deps: {
      endpoints: EndpointCache
      deliveries: DeliveryStore
      queue: DeliveryQueue
      /** Ends the attempts in flight at shutdown. */
      sender: { close(): void }
      /** Counts an event lost because the buffer was full. */
      onDropped(): void
      /** Delay of forgetMessage's second pass; default FORGET_AGAIN_MS. */
      forgetAgainMs?: number
      log: Logger
    },
  ) {
    this.pruner = setInterval(() => void this.prune(), PRUNE_INTERVAL_MS)
    this.pruner.unref()
  }

  emit(event: WebhookEvent): void {
    if (this.closed) return
    const cached = this.deps.endpoints.fresh(event.appId)
    if (cached) return this.accept(event, cached)
    // Not loaded yet, or older than the cache time: the event waits for a fresh copy (one load
    // per app at a time, however many events wait), off the caller's path all the same.
    if (this.buffer.length + this.waitingForLoad >= MAX_BUFFERED) return this.drop()
    this.waitingForLoad += 1
    this.deps.endpoints.load(event.appId).then(
      (endpoints) => {
        this.waitingForLoad -= 1
        this.accept(event, endpoints)
      },
      (err: unknown) => {
        this.waitingForLoad -= 1
        this.deps.log.warn({ err, app: event.appId }, 'unable to load webhook endpoints; an event is lost')
      },
    )
  }

  forgetRoom(appId: string, roomId: string): Promise<void> {
    return this.forgetMessage(appId, roomId)
  }

  /** Without `seq`: every message of the room (see `forgetRoom`). */
  async forgetMessage(appId: string, roomId: string, seq?: number): Promise<void> {
    // What this node emitted before is stored first, so this pass finds it.
    await this.stored()
    await this.blank(appId, roomId, seq)
    if (this.closed) return
    const again = setTimeout(() => {
      this.forgetting.delete(again)
      this.blank(appId, roomId, seq).catch((err: unknown) =>
        this.deps.log.error(
          { err, app: appId, room: roomId, seq },
          'unable to blank a deleted message in webhook bodies',
        ),
      )
    }, this.deps.forgetAgainMs ?? FORGET_AGAIN_MS)
    again.unref()
    this.forgetting.add(again)
  }

  /** Stores and queues what was emitted before, then ends the attempts in flight. */
  async close(): Promise<void> {
    this.closed = true
    clearInterval(this.pruner)
    for (const timer of this.forgetting) clearTimeout(timer)
    await this.stored()
    const closing = this.deps.queue.close()
    this.deps.sender.close()
    await closing
  }

  /** Settles once the events emitted so far are stored: those waiting for a load, then the buffer. */
  private async stored(): Promise<void> {
    await this.deps.endpoints.idle()
    await this.flushing
  }

  /** One pass of forgetMessage: the bodies that still hold the message, then their jobs. */
  private async blank(appId: string, roomId: string, seq?: number): Promise<void> {
    const { deliveries, queue } = this.deps
    const holding = await deliveries.listForMessage(appId, roomId, seq)
    // Guarded: one delivered meanwhile keeps its record without a body.
    const unfinished = ['pending', 'failing', 'dead'] as const
    await Promise.all(
      holding.map((d) => {
        const blanked = withoutMessageContent(d.payload!)
        return blanked === d.payload
          ? null
          : deliveries.update(appId, d.id, { payload: blanked }, [...unfinished])
      }),
    )
    if (holding.length > 0) await queue.forget(holding.map((d) => d.id))
  }

  private accept(event: WebhookEvent, endpoints: AppEndpoints): void {
    const endpointIds = endpoints.byType.get(event.type)
    if (!endpointIds) return
    if (this.buffer.length + this.waitingForLoad >= MAX_BUFFERED) return this.drop()
    this.buffer.push({ event, endpointIds })
    this.flushing ??= this.flush().finally(() => (this.flushing = null))
  }

  private drop(): void {
    this.deps.onDropped()
    // Logged on the first loss and then every thousandth, so a flood does not flood the log.
    if (this.dropped++ % 1000 === 0)
      this.deps.log.error(
        { dropped: this.dropped },
        'webhook events dropped: deliveries cannot be stored as fast as events come',
      )
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
    const message = messageOf(event)
    return endpointIds.map((endpointId) => ({
      id: newSortableId('msg'),
      appId: event.appId,
      endpointId,
      eventType: event.type,
      roomId: message?.roomId ?? null,
      messageSeq: message?.seq ?? null,
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
      await queue.enqueue(
        batch.map((d) => ({
          appId: d.appId,
          deliveryId: d.id,
          body: { endpointId: d.endpointId, payload: d.payload! },
        })),
      )
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
