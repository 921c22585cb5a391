import type { Logger } from '../logger.js'
import type { DeliveryJob, DeliveryProcessor } from './delivery-jobs.js'
import { retryDelayMs } from './delivery-jobs.js'
import type { DeliveredMark, DeliveryPatch, DeliveryStore } from './delivery-store.js'
import type { EndpointRecord, EndpointStore } from './endpoint-store.js'
import { webhookHeaders } from './signature.js'
import type { AttemptResult } from './webhook-sender.js'

/** What an attempt led to, as the metrics count it. */
export type AttemptOutcomeLabel = 'delivered' | 'retrying' | 'dead'

export interface DeliveryProcessorDeps {
  /** The endpoint as this node knows it (cached: an attempt costs no read of it). */
  endpoint(appId: string, endpointId: string): Promise<EndpointRecord | null>
  endpoints: Pick<EndpointStore, 'update'>
  deliveries: Pick<DeliveryStore, 'get' | 'update'>
  /** Records a successful attempt; resolves once it is stored (batched with others). */
  delivered(mark: DeliveredMark): Promise<void>
  post(url: string, headers: Record<string, string>, body: string): Promise<AttemptResult>
  /** Attempts per delivery, the first included. */
  attempts: number
  /** Delay before the second attempt; doubles after each failure. */
  backoffMs: number
  /** An endpoint was disabled here (it answered 410 Gone): caches must forget the app's. */
  endpointsChanged(appId: string): void
  /** Told of every attempt's outcome; `seconds` is the POST's duration (null: none was made). */
  observe(outcome: AttemptOutcomeLabel, seconds: number | null): void
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

/** Record updates of failed attempts never overwrite a delivery that is already over (a job
 * taken for stalled and run again). */
const UNFINISHED = ['pending', 'failing'] as const

/** The one place a delivery is attempted and its record moved on; see DeliveryProcessor. */
export function createDeliveryProcessor(deps: DeliveryProcessorDeps): DeliveryProcessor {
  const { deliveries } = deps

  /** What to send: carried by the job, or else read from the record (null: nothing to do). */
  const bodyOf = async ({ appId, deliveryId, body }: DeliveryJob) => {
    if (body) return body
    const delivery = await deliveries.get(appId, deliveryId)
    if (!delivery || delivery.payload === null) return null
    if (delivery.status === 'delivered' || delivery.status === 'dead') return null
    return { endpointId: delivery.endpointId, payload: delivery.payload }
  }

  return async (job, attempt) => {
    const { appId, deliveryId } = job
    const body = await bodyOf(job)
    if (!body) return null
    const dead = async (patch: DeliveryPatch, seconds: number | null = null) => {
      await deliveries.update(appId, deliveryId, { ...patch, status: 'dead', nextAttemptAt: null }, [
        ...UNFINISHED,
      ])
      deps.observe('dead', seconds)
      deps.log.warn({ app: appId, delivery: deliveryId, error: patch.lastError }, 'webhook delivery is dead')
      return null
    }

    const endpoint = await deps.endpoint(appId, body.endpointId)
    if (!endpoint) return dead({ lastError: 'the endpoint was deleted' })
    if (!endpoint.enabled) return dead({ lastError: 'the endpoint is disabled' })

    const startedAt = new Date()
    const headers = webhookHeaders(signingSecrets(endpoint, startedAt), deliveryId, body.payload, startedAt)
    const result = await deps.post(endpoint.url, headers, body.payload)
    const seconds = (Date.now() - startedAt.getTime()) / 1000
    const tried = {
      attempts: attempt,
      lastStatus: result.status,
      lastError: result.error,
      lastAttemptAt: startedAt,
    }
    if (result.ok) {
      // The payload goes: a delivered record keeps no copy of the event's data.
      await deps.delivered({
        ...tried,
        appId,
        id: deliveryId,
        lastStatus: result.status!,
        deliveredAt: new Date(),
      })
      deps.observe('delivered', seconds)
      return null
    }
    if (result.gone) {
      await deps.endpoints.update(appId, endpoint.id, { enabled: false })
      deps.endpointsChanged(appId)
      return dead({ ...tried, lastError: `${result.error}; the endpoint was disabled` }, seconds)
    }
    if (attempt >= deps.attempts) return dead(tried, seconds)
    const retryInMs = retryDelayMs(attempt, deps.backoffMs, result.retryAfterMs)
    await deliveries.update(
      appId,
      deliveryId,
      { ...tried, status: 'failing', nextAttemptAt: new Date(Date.now() + retryInMs) },
      [...UNFINISHED],
    )
    deps.observe('retrying', seconds)
    return { retryInMs }
  }
}
