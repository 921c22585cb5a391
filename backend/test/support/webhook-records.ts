import { newSortableId } from '../../src/ids.js'
import type { DeliveryRecord } from '../../src/webhooks/delivery-store.js'
import type { EndpointRecord } from '../../src/webhooks/endpoint-store.js'

/** A stored endpoint of `appId`, enabled, for message.created and user.banned. */
export const endpointRecord = (appId: string, overrides: Partial<EndpointRecord> = {}): EndpointRecord => ({
  id: newSortableId('ep'),
  appId,
  url: 'https://hooks.example.com/roomful',
  events: ['message.created', 'user.banned'],
  secret: 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0',
  previousSecret: null,
  previousSecretExpiresAt: null,
  enabled: true,
  // Whole milliseconds, as DATETIME(3) keeps them.
  createdAt: new Date(Math.floor(Date.now())),
  ...overrides,
})

/** A new (pending, never attempted) delivery of `appId`. */
export const deliveryRecord = (appId: string, overrides: Partial<DeliveryRecord> = {}): DeliveryRecord => ({
  id: newSortableId('msg'),
  appId,
  endpointId: 'ep_1',
  eventType: 'message.created',
  roomId: null,
  messageSeq: null,
  payload: '{"type":"message.created","timestamp":"2026-01-01T00:00:00.000Z","data":{"text":"héllo 👋"}}',
  status: 'pending',
  attempts: 0,
  lastStatus: null,
  lastError: null,
  createdAt: new Date(),
  lastAttemptAt: null,
  nextAttemptAt: null,
  deliveredAt: null,
  ...overrides,
})
