import type { Logger } from '../logger.js'
import type { DeliveryProcessor } from './delivery-jobs.js'
import { retryDelayMs } from './delivery-jobs.js'
import type { DeliveryPatch, DeliveryStore } from './delivery-store.js'
import type { EndpointRecord, EndpointStore } from './endpoint-store.js'
import { webhookHeaders } from './signature.js'
import type { AttemptResult } from './webhook-sender.js'

export interface DeliveryProcessorDeps {
  /** The endpoint as this node knows it (cached: an attempt costs no read of it). */
  endpoint(appId: string, endpointId: string): Promise<EndpointRecord | null>
  endpoints: Pick<EndpointStore, 'update'>
  deliveries: DeliveryStore
  post(url: string, headers: Record<string, string>, body: string): Promise<AttemptResult>
  /** Attempts per delivery, the first included. */
  attempts: number
  /** Delay before the second attempt; doubles after each failure. */
  backoffMs: number
  /** An endpoint was disabled here (it answered 410 Gone): caches must forget the app's. */
  endpointsChanged(appId: string): void
  log: Logger
}

/** Secrets that sign a delivery now: the current one, and the previous one until it expires. */
function signingSecrets(endpoint: EndpointRecord, now: Date): string[] {
  const keepPrevious =
    endpoint.previousSecret !== null &&
    endpoint.previousSecretExpiresAt !== null &&
    endpoint.previousSecretExpiresAt > now
  return keepPrevious ? [endpoint.secret, endpoint.previousSecret!] : [endpoint.secret]
}

/** The one place a delivery is attempted and its record moved on; see DeliveryProcessor. */
export function createDeliveryProcessor(deps: DeliveryProcessorDeps): DeliveryProcessor {
  const { deliveries } = deps
  return async ({ appId, deliveryId }, attempt) => {
    const delivery = await deliveries.get(appId, deliveryId)
    if (!delivery || delivery.payload === null) return null
    if (delivery.status === 'delivered' || delivery.status === 'dead') return null
    const dead = async (patch: DeliveryPatch) => {
      await deliveries.update(appId, deliveryId, { ...patch, status: 'dead', nextAttemptAt: null })
      deps.log.warn({ app: appId, delivery: deliveryId, error: patch.lastError }, 'webhook delivery is dead')
      return null
    }

    const endpoint = await deps.endpoint(appId, delivery.endpointId)
    if (!endpoint) return dead({ lastError: 'the endpoint was deleted' })
    if (!endpoint.enabled) return dead({ lastError: 'the endpoint is disabled' })

    const startedAt = new Date()
    const headers = webhookHeaders(
      signingSecrets(endpoint, startedAt),
      delivery.id,
      delivery.payload,
      startedAt,
    )
    const result = await deps.post(endpoint.url, headers, delivery.payload)
    const tried = {
      attempts: delivery.attempts + 1,
      lastStatus: result.status,
      lastError: result.error,
      lastAttemptAt: startedAt,
    }
    if (result.ok) {
      // The payload goes: a delivered record keeps no copy of the event's data.
      await deliveries.update(appId, deliveryId, {
        ...tried,
        status: 'delivered',
        payload: null,
        deliveredAt: new Date(),
        nextAttemptAt: null,
      })
      return null
    }
    if (result.gone) {
      await deps.endpoints.update(appId, endpoint.id, { enabled: false })
      deps.endpointsChanged(appId)
      return dead({ ...tried, lastError: `${result.error}; the endpoint was disabled` })
    }
    if (attempt >= deps.attempts) return dead(tried)
    const retryInMs = retryDelayMs(attempt, deps.backoffMs, result.retryAfterMs)
    await deliveries.update(appId, deliveryId, {
      ...tried,
      status: 'failing',
      nextAttemptAt: new Date(Date.now() + retryInMs),
    })
    return { retryInMs }
  }
}
