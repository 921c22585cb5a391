/**
 * Fan-out between nodes. Payloads are already-serialized strings: a frame is serialized once,
 * where it is produced, and every node hands the same string to its uWS topic.
 */
export interface Bus {
  /**
   * Resolves with how many subscriptions received the payload, this node's own included; null
   * when the count may not include this node's (its subscriptions were lost around the
   * publish, or the bus cannot count).
   */
  publish(channel: string, payload: string): Promise<number | null>
  /** Subscribes `handler`; the returned function removes it. Channels are reference-counted. */
  subscribe(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>>
  /** Calls `listener` each time the bus is back after a loss (its subscriptions in place
   * again): whatever was published meanwhile may be missing on this node. */
  onReconnect(listener: () => void): void
  close(): Promise<void>
}

export const channels = {
  room: (appId: string, roomId: string) => `room:${appId}:${roomId}`,
  ranking: (appId: string) => `ranking:${appId}`,
  lobby: (appId: string) => `lobby:${appId}`,
  /** Every node listens: a room's settings changed or the room was deleted (rooms/room-control.ts). */
  roomControl: () => 'room-control',
  /** Bans and mutes imposed or lifted, every app's: each node keeps its sanction cache by it. */
  sanctions: () => 'sanctions',
  /** An app's granted moderators changed (the payload is its id): each node drops its copy. */
  moderators: () => 'moderators',
  /** A user's connections now span nodes (the payload is `appId\nuserId`): see presence/solo-users.ts. */
  spreadUsers: () => 'spread-users',
}

/**
 * Envelopes on a room channel. `M<seq>\n<frame>` carries a stored message, which every node's
 * room feed delivers in seq order; `E\n<frame>` carries an ephemeral event (presence, typing),
 * delivered as it comes. `H<node>` says a node has begun to listen to the room, and
 * `C<seq>\n<node>` that the room's messages up to seq are committed (messages/room-sharing.ts).
 */
export const roomEnvelope = {
  message: (seq: number, frame: string) => `M${seq}\n${frame}`,
  ephemeral: (frame: object) => `E\n${JSON.stringify(frame)}`,
  hello: (nodeId: string) => `H${nodeId}`,
  committed: (seq: number, nodeId: string) => `C${seq}\n${nodeId}`,
}
