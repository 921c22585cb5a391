/**
 * WebSocket close codes. Standard codes where one fits; 4000-4099 mean "do not reconnect"
 * (the same credentials would fail again), 4100-4199 mean "reconnect" (after backoff, and for
 * 4100 after fetching a fresh token).
 */
export const CLOSE = {
  normal: 1000,
  goingAway: 1001,
  /** The client sent a binary frame; the protocol is JSON text only (do not reconnect). */
  unsupportedData: 1003,
  /** Never sent: the socket died without a close frame, or stopped answering (reconnect). */
  abnormal: 1006,
  policy: 1008,
  tooBig: 1009,
  internal: 1011,
  // do not reconnect
  authFailed: 4001,
  authTimeout: 4002,
  forbidden: 4003,
  appDisabled: 4004,
  originNotAllowed: 4005,
  unsupportedProtocol: 4006,
  /** The user is banned from the app (a `sanctioned` event with the ban came just before). */
  banned: 4007,
  // reconnect
  tokenExpired: 4100,
  flood: 4101,
  tooManyConnections: 4102,
  /**
   * The socket fell behind: more than the server's buffer limit waited unsent for it, so live
   * frames stopped. Reconnect at once and resume each room with `sinceSeq`.
   */
  lagging: 4103,
} as const

export type CloseCode = (typeof CLOSE)[keyof typeof CLOSE]

/** Whether a client should reconnect after the socket closed with `code`. */
export function shouldReconnect(code: number): boolean {
  if (code >= 4000 && code < 4100) return false
  if (code === CLOSE.policy) return false
  // 1003: this client sends binary frames, and a new socket would be refused the same way.
  if (code === CLOSE.unsupportedData) return false
  // 1009 means our own frame was too big: reconnecting and resending would fail the same way,
  // but other rooms and later sends are fine, so the connection is worth restoring.
  return true
}
