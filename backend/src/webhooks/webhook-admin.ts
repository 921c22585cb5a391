import type { AppStore } from '../apps/app-store.js'
import { RoomfulError } from '../errors.js'
import { newSortableId } from '../ids.js'
import type { DeliveryJob } from './delivery-jobs.js'
import type { DeliveryRecord, DeliveryStatus, DeliveryStore } from './delivery-store.js'
import type { EndpointRecord, EndpointStore } from './endpoint-store.js'
import { newWebhookSecret } from './signature.js'
import { checkWebhookUrl, type UrlPolicy } from './url-policy.js'
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from './webhooks.js'

/** Bounds the work one event can cause. */
export const MAX_ENDPOINTS_PER_APP = 20

/** What admins see of an endpoint: everything but its secrets. */
export interface EndpointView {
  id: string
  appId: string
  url: string
  events: WebhookEventType[]
  enabled: boolean
  /** While set and in the future, deliveries are signed with the previous secret too. */
  previousSecretExpiresAt: string | null
  createdAt: string
}

export interface DeliveryView {
  id: string
  endpointId: string
  eventType: WebhookEventType
  status: DeliveryStatus
  attempts: number
  lastStatus: number | null
  lastError: string | null
  createdAt: string
  lastAttemptAt: string | null
  nextAttemptAt: string | null
  deliveredAt: string | null
  /** The body as sent (parsed), on a single delivery that still has one (not yet delivered). */
  payload?: unknown
}

const iso = (date: Date | null) => (date ? date.toISOString() : null)

const endpointView = (e: EndpointRecord): EndpointView => ({
  id: e.id,
  appId: e.appId,
  url: e.url,
  events: e.events,
  enabled: e.enabled,
  previousSecretExpiresAt: e.previousSecret ? iso(e.previousSecretExpiresAt) : null,
  createdAt: e.createdAt.toISOString(),
})

const deliveryView = (d: DeliveryRecord): DeliveryView => ({
  id: d.id,
  endpointId: d.endpointId,
  eventType: d.eventType,
  status: d.status,
  attempts: d.attempts,
  lastStatus: d.lastStatus,
  lastError: d.lastError,
  createdAt: d.createdAt.toISOString(),
  lastAttemptAt: iso(d.lastAttemptAt),
  nextAttemptAt: iso(d.nextAttemptAt),
  deliveredAt: iso(d.deliveredAt),
})

/**
 * Webhook endpoints and deliveries, for the admin REST API and the CLI. `changed` runs after
 * every endpoint write so this node's emit cache forgets the app at once; `enqueue` hands a
 * redelivery to the delivery queue (null where there is none to reach: redeliver refuses).
 */
export class WebhookAdmin {
  constructor(
    private readonly deps: {
      apps: AppStore
      endpoints: EndpointStore
      deliveries: DeliveryStore
      policy: UrlPolicy
      enqueue: ((jobs: DeliveryJob[]) => Promise<void>) | null
      changed?: (appId: string) => void
    },
  ) {}

  /** Registers an endpoint and returns it with its secret, the only time it is shown. */
  async create(
    appId: string,
    input: { url: string; events: WebhookEventType[]; enabled?: boolean },
  ): Promise<EndpointView & { secret: string }> {
    await this.requireApp(appId)
    if ((await this.deps.endpoints.list(appId)).length >= MAX_ENDPOINTS_PER_APP)
      throw new RoomfulError(
        'bad_request',
        `unable to add the endpoint; an app has at most ${MAX_ENDPOINTS_PER_APP} webhook endpoints`,
      )
    const endpoint: EndpointRecord = {
      id: newSortableId('ep'),
      appId,
      url: await checkWebhookUrl(input.url, this.deps.policy),
      events: checkEvents(input.events),
      secret: newWebhookSecret(),
      previousSecret: null,
      previousSecretExpiresAt: null,
      enabled: input.enabled ?? true,
      createdAt: new Date(),
    }
    await this.deps.endpoints.create(endpoint)
    this.deps.changed?.(appId)
    return { ...endpointView(endpoint), secret: endpoint.secret }
  }

  async list(appId: string): Promise<EndpointView[]> {
    await this.requireApp(appId)
    return (await this.deps.endpoints.list(appId)).map(endpointView)
  }

  async get(appId: string, endpointId: string): Promise<EndpointView> {
    return endpointView(await this.requireEndpoint(appId, endpointId))
  }

  async update(
    appId: string,
    endpointId: string,
    patch: { url?: string; events?: WebhookEventType[]; enabled?: boolean },
  ): Promise<EndpointView> {
    await this.requireEndpoint(appId, endpointId)
    return endpointView(
      await this.write(appId, endpointId, {
        url: patch.url === undefined ? undefined : await checkWebhookUrl(patch.url, this.deps.policy),
        events: patch.events === undefined ? undefined : checkEvents(patch.events),
        enabled: patch.enabled,
      }),
    )
  }

  /** A new secret; the old one keeps signing too for `keepOldForMs` (0: at once replaced). */
  async rotateSecret(
    appId: string,
    endpointId: string,
    keepOldForMs: number,
  ): Promise<EndpointView & { secret: string }> {
    const endpoint = await this.requireEndpoint(appId, endpointId)
    const updated = await this.write(appId, endpointId, {
      secret: newWebhookSecret(),
      previousSecret: endpoint.secret,
      previousSecretExpiresAt: new Date(Date.now() + keepOldForMs),
    })
    return { ...endpointView(updated), secret: updated.secret }
  }

  /** Deletes the endpoint; its deliveries not yet made end as dead ("endpoint deleted"). */
  async delete(appId: string, endpointId: string): Promise<void> {
    await this.requireApp(appId)
    if (!(await this.deps.endpoints.delete(appId, endpointId))) throw noEndpoint(endpointId)
    this.deps.changed?.(appId)
  }

  /** Newest first; `status: 'dead'` lists the dead letters. */
  async listDeliveries(
    appId: string,
    page: { status?: DeliveryStatus; limit: number; before?: string },
  ): Promise<{ deliveries: DeliveryView[]; nextCursor: string | null }> {
    await this.requireApp(appId)
    const records = await this.deps.deliveries.list(appId, page)
    return {
      deliveries: records.map(deliveryView),
      nextCursor: records.length === page.limit ? records[records.length - 1]!.id : null,
    }
  }

  async getDelivery(appId: string, deliveryId: string): Promise<DeliveryView> {
    const delivery = await this.requireDelivery(appId, deliveryId)
    return {
      ...deliveryView(delivery),
      ...(delivery.payload !== null && { payload: JSON.parse(delivery.payload) as unknown }),
    }
  }

  /** Sends a dead delivery again, with the same `webhook-id` and body, and a fresh set of attempts. */
  async redeliver(appId: string, deliveryId: string): Promise<DeliveryView> {
    const { enqueue, deliveries } = this.deps
    if (!enqueue) throw new Error('unable to redeliver; no delivery queue is reachable from here')
    const delivery = await this.requireDelivery(appId, deliveryId)
    const refuse = (why: string) =>
      new RoomfulError('bad_request', `unable to redeliver ${deliveryId}; ${why}`)
    if (delivery.status !== 'dead') throw refuse(`it is ${delivery.status}, not dead`)
    const endpoint = await this.deps.endpoints.get(appId, delivery.endpointId)
    if (!endpoint) throw refuse('its endpoint was deleted')
    if (!endpoint.enabled) throw refuse('its endpoint is disabled; enable it first')
    const reset = { status: 'pending', attempts: 0, nextAttemptAt: null } as const
    if (!(await deliveries.update(appId, deliveryId, reset, ['dead'])))
      throw refuse('it is being redelivered already')
    try {
      await enqueue([{ appId, deliveryId }])
    } catch (err) {
      await deliveries.update(appId, deliveryId, {
        status: 'dead',
        lastError: 'unable to queue the delivery',
      })
      throw err
    }
    return deliveryView({ ...delivery, ...reset })
  }

  private async requireApp(appId: string): Promise<void> {
    if (!(await this.deps.apps.get(appId))) throw new RoomfulError('app_not_found', `no app "${appId}"`)
  }

  private async requireEndpoint(appId: string, endpointId: string): Promise<EndpointRecord> {
    await this.requireApp(appId)
    const endpoint = await this.deps.endpoints.get(appId, endpointId)
    if (!endpoint) throw noEndpoint(endpointId)
    return endpoint
  }

  private async requireDelivery(appId: string, deliveryId: string): Promise<DeliveryRecord> {
    await this.requireApp(appId)
    const delivery = await this.deps.deliveries.get(appId, deliveryId)
    if (!delivery) throw new RoomfulError('not_found', `unable to find webhook delivery "${deliveryId}"`)
    return delivery
  }

  private async write(
    appId: string,
    endpointId: string,
    patch: Parameters<EndpointStore['update']>[2],
  ): Promise<EndpointRecord> {
    const updated = await this.deps.endpoints.update(appId, endpointId, patch)
    if (!updated) throw noEndpoint(endpointId)
    this.deps.changed?.(appId)
    return updated
  }
}

const noEndpoint = (id: string) => new RoomfulError('not_found', `unable to find webhook endpoint "${id}"`)

function checkEvents(events: readonly string[]): WebhookEventType[] {
  const unknown = events.filter((e) => !WEBHOOK_EVENT_TYPES.includes(e as WebhookEventType))
  if (events.length === 0 || unknown.length > 0)
    throw new RoomfulError(
      'bad_request',
      `unable to subscribe; events must be some of ${WEBHOOK_EVENT_TYPES.join(', ')}` +
        (unknown.length > 0 ? ` (not ${unknown.join(', ')})` : ''),
    )
  return [...new Set(events)] as WebhookEventType[]
}
