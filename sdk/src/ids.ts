let counter = 0

/** Request ids: unique per client, short on the wire. */
export const nextId = (): string => (++counter).toString(36)

/** A random UUID v4, from `crypto.randomUUID` when the platform has it. */
export function uuid(): string {
  const c = globalThis.crypto
  if (c?.randomUUID) return c.randomUUID()
  // Insecure contexts (plain http pages) lack randomUUID; an idempotency key only needs to be
  // unique, not secret.
  return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (ch) => {
    const r = (Math.random() * 16) | 0
    return (ch === 'x' ? r : (r & 3) | 8).toString(16)
  })
}
