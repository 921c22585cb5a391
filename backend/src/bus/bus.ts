/**
 * Fan-out between nodes. Payloads are already-serialized strings: a frame is serialized once,
 * where it is produced, and every node hands the same string to its uWS topic.
 */
export interface Bus {
  publish(channel: string, payload: string): Promise<void>
  /** Subscribes `handler`; the returned function removes it. Channels are reference-counted. */
  subscribe(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>>
  close(): Promise<void>
}

export const channels = {
  room: (appId: string, roomId: string) => `room:${appId}:${roomId}`,
  ranking: (appId: string) => `ranking:${appId}`,
  lobby: (appId: string) => `lobby:${appId}`,
}
