import { createHmac, randomBytes } from 'node:crypto'

/** Standard Webhooks' prefix for symmetric (HMAC-SHA256) secrets. */
export const SECRET_PREFIX = 'whsec_'
/** 32 random bytes: above the specification's minimum of 24. */
const SECRET_BYTES = 32

/** A fresh endpoint secret, `whsec_<base64 of 32 random bytes>`. */
export function newWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64')
}

/**
 * One Standard Webhooks signature: `v1,` + base64 HMAC-SHA256, keyed by the secret's decoded
 * bytes, of `<id>.<timestamp>.<body>`. Ids and timestamps are ours and contain no `.`.
 *
 * @example sign('whsec_…', 'msg_…', 1735689600, '{"type":"message.created",…}') // 'v1,K5oZ…='
 */
export function sign(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64')
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`
}

/** The three Standard Webhooks headers of one attempt. Every secret given signs (space
 * separated), so during a rotation receivers holding either secret accept the delivery. */
export function webhookHeaders(
  secrets: string[],
  id: string,
  body: string,
  now: Date,
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  const timestamp = Math.floor(now.getTime() / 1000)
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((secret) => sign(secret, id, timestamp, body)).join(' '),
  }
}
