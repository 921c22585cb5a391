import type { WebhookEventType } from './webhooks.js'

/**
 * - `pending`: queued, not tried yet (or queued again by a redelivery);
 * - `failing`: at least one attempt failed and another is scheduled (`nextAttemptAt`);
 * - `delivered`: an attempt got a 2xx;
 * - `dead`: the last attempt failed (or the endpoint is gone or disabled); only a redelivery
 *   sends it again.
 */
export type DeliveryStatus = 'pending' | 'failing' | 'delivered' | 'dead'
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'failing', 'delivered', 'dead']

/** One event on its way to one endpoint, and what happened to it so far. */
export interface DeliveryRecord {
  /** `msg_<id>`, sent as `webhook-id`: the same on every attempt and redelivery, so the
   * receiver can de-duplicate. Sorts by creation time. */
  id: string
  appId: string
  endpointId: string
  eventType: WebhookEventType
  /** The message the event is about (created, deleted, reported), so that a deleted
   * message's text can be found and blanked in the bodies not yet delivered; null for others. */
  roomId: string | null
  messageSeq: number | null
  /** The exact body every attempt sends (and signs); dropped once delivered, so a delivered
   * record keeps no copy of the event's data. */
  payload: string | null
  status: DeliveryStatus
  /** Attempts made since the delivery was created or last redelivered. */
  attempts: number
  /** HTTP status of the last attempt; null when it got no response. */
  lastStatus: number | null
  /** Why the last attempt failed (a status line and the start of the body, a network error,
   * a timeout, a refused address). */
  lastError: string | null
  createdAt: Date
  lastAttemptAt: Date | null
  nextAttemptAt: Date | null
  deliveredAt: Date | null
}

export type DeliveryPatch = Partial<
  Pick<
    DeliveryRecord,
    | 'payload'
    | 'status'
    | 'attempts'
    | 'lastStatus'
    | 'lastError'
    | 'lastAttemptAt'
    | 'nextAttemptAt'
    | 'deliveredAt'
  >
>

/** A successful attempt, as `markDelivered` records it. */
export type DeliveredMark = Pick<DeliveryRecord, 'appId' | 'id' | 'attempts' | 'lastAttemptAt'> & {
  lastStatus: number
  deliveredAt: Date
}

export interface DeliveryStore {
  /** Stores new deliveries; one statement whatever their number. */
  insertMany(deliveries: DeliveryRecord[]): Promise<void>
  get(appId: string, id: string): Promise<DeliveryRecord | null>
  /** Applies `patch` if the delivery exists and (when `onlyFrom` is given) its status is one of
   * those; true when it did. Atomic, so two redeliveries of one dead delivery cannot both win. */
  update(appId: string, id: string, patch: DeliveryPatch, onlyFrom?: DeliveryStatus[]): Promise<boolean>
  /** Records each delivery as delivered (its payload dropped), one statement per app. */
  markDelivered(marks: DeliveredMark[]): Promise<void>
  /** The deliveries of message `seq` of `roomId` (of any message of the room when `seq` is
   * left out: the room was deleted) that still hold a body (not delivered). */
  listForMessage(appId: string, roomId: string, seq?: number): Promise<DeliveryRecord[]>
  /** Newest first, keyset-paged: deliveries older than `before` (a delivery id). */
  list(
    appId: string,
    page: { status?: DeliveryStatus; limit: number; before?: string },
  ): Promise<DeliveryRecord[]>
  /** Deletes up to `limit` deliveries created before `olderThan`; how many it deleted. */
  prune(olderThan: Date, limit: number): Promise<number>
}
