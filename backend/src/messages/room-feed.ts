import type { Message, Room } from '@roomful/sdk/protocol'
import { randomUUID } from 'node:crypto'
import type { Bus } from '../bus/bus.js'
import { channels } from '../bus/bus.js'
import type { Logger } from '../logger.js'
import { messageFrame } from './frames.js'
import { NewestPages } from './newest-pages.js'
import type { MessageStore } from './message-store.js'
import { newSharingState, RoomSharing } from './room-sharing.js'

export type Publish = (topic: string, frame: string) => void

const PRESENCE_FRAME = '{"type":"presence"'
/** Presence frames a feed keeps for joins in flight: more than any join sees while it reads. */
const RECENT_PRESENCE = 256

/** Messages read per round trip when a feed reconciles with the store, and the most rounds: a
 * feed further behind than that is better served by its clients resuming (they ask sinceSeq). */
const RECONCILE_PAGE = 500
const RECONCILE_ROUNDS = 10

/** The presence frames a joining socket misses while it reads (see `RoomFeed.watchPresence`). */
export interface PresenceWatch {
  /** The presence frames handed to the topic since the watch began, oldest first. */
  since(): readonly string[]
  /** The join is done (or failed): the feed may stop keeping frames for it. Idempotent. */
  stop(): void
}

export const roomTopic = (appId: string, roomId: string) => `r/${appId}/${roomId}`

/**
 * One node's view of one room's message stream. Nodes commit messages independently and the
 * bus does not order publishes from different nodes, but seqs are gapless: so the feed hands
 * frames to the room's uWS topic strictly in seq order, holds early ones back, and fetches a
 * missing seq from the store if it does not arrive soon (its publisher may have crashed after
 * the commit). Every local socket in the room therefore sees each seq once, in order.
 */
export class RoomFeed {
  /** Highest seq handed to the topic; null until the first join sets the starting point. */
  last: number | null = null
  refs = 0
  /** The room as the last join here read it: what its members are told if it is found deleted. */
  room: Room | null = null
  /** Resolves once the bus subscription is live; joins wait for it before reading the store. */
  ready: Promise<() => Promise<void>> | null = null
  /** Whether other nodes listen to the room (see room-sharing.ts). */
  readonly sharing = newSharingState()
  private readonly pending = new Map<number, string>()
  /** The room is committed up to here, another node said: what is missing is read from the store. */
  private committedUpTo = 0
  /** The last presence frames handed to the topic while a join watched, and how many were. */
  private readonly recentPresence: string[] = []
  private presenceCount = 0
  private presenceWatchers = 0
  private gapTimer: NodeJS.Timeout | null = null
  private filling = false

  constructor(
    readonly appId: string,
    readonly roomId: string,
    private readonly deps: { messages: MessageStore; publish: Publish; log: Logger; gapWaitMs: number },
  ) {
    this.topic = roomTopic(appId, roomId)
    this.channel = channels.room(appId, roomId)
  }

  /** The room's uWS topic on this node, and its channel on the bus (named once, not per message). */
  readonly topic: string
  readonly channel: string

  /** The last seq delivered here while nothing later waits behind a gap; null otherwise. */
  get settledAt(): number | null {
    return this.pending.size === 0 ? this.last : null
  }

  onPayload(payload: string): void {
    const newline = payload.indexOf('\n')
    if (payload.startsWith('E')) {
      const frame = payload.slice(newline + 1)
      if (this.presenceWatchers > 0 && frame.startsWith(PRESENCE_FRAME)) this.rememberPresence(frame)
      return this.deps.publish(this.topic, frame)
    }
    const seq = Number(payload.slice(1, newline))
    if (this.last !== null && seq <= this.last) return
    this.onMessage(seq, payload.slice(newline + 1))
  }

  /**
   * Starts keeping the presence frames handed to the topic, for one join. A joining socket reads
   * its presence snapshot, then its backlog, and subscribes only at the end: the joins and leaves
   * published meanwhile never reach it through the topic. It is sent `since()` right after its
   * reply instead. Some may predate its snapshot; that is harmless, because clients apply each
   * user's join or leave as a state (set or remove), so replaying them in order ends in the true
   * state. Frames are kept only while some join watches, so an idle room holds none.
   */
  watchPresence(): PresenceWatch {
    const start = this.presenceCount
    this.presenceWatchers++
    let stopped = false
    return {
      since: () => {
        const missed = this.presenceCount - start
        return missed <= 0 ? [] : this.recentPresence.slice(-missed)
      },
      stop: () => {
        if (stopped) return
        stopped = true
        if (--this.presenceWatchers === 0) this.recentPresence.length = 0
      },
    }
  }

  private rememberPresence(frame: string): void {
    this.presenceCount++
    this.recentPresence.push(frame)
    if (this.recentPresence.length > RECENT_PRESENCE) this.recentPresence.shift()
  }

  /** A stored message's frame, from the bus or from this node's own commit. */
  onMessage(seq: number, frame: string): void {
    if (this.last !== null && seq <= this.last) return
    this.pending.set(seq, frame)
    if (this.last !== null) this.drain()
  }

  /** Another node says the room is committed up to `seq`: whatever of it does not come soon is
   * read from the store, like a gap. */
  expect(seq: number): void {
    this.committedUpTo = Math.max(this.committedUpTo, seq)
    if (this.last !== null) this.drain()
  }

  /** Something committed is not delivered here yet. */
  private get behind(): boolean {
    return this.pending.size > 0 || (this.last !== null && this.committedUpTo > this.last)
  }

  /**
   * Brings the feed up to date with messages just read from the store (ascending, contiguous),
   * handing those it had not delivered yet to the topic. Call before a joining socket
   * subscribes, so that what its reply contains never reaches it a second time.
   */
  catchUp(messages: Message[], readUpTo: number): void {
    if (this.last === null) {
      this.last = readUpTo
      for (const seq of this.pending.keys()) if (seq <= readUpTo) this.pending.delete(seq)
      return
    }
    for (const message of messages) {
      if (message.seq <= this.last) continue
      if (message.seq !== this.last + 1)
        this.deps.log.warn({ room: this.roomId, from: this.last, to: message.seq }, 'room feed skipped a gap')
      this.pending.delete(message.seq)
      this.deps.publish(this.topic, messageFrame(message))
      this.last = message.seq
    }
  }

  /** Hands every consecutive held-back frame to the topic. */
  drain(): void {
    if (this.last === null) return
    for (
      let next = this.pending.get(this.last + 1);
      next !== undefined;
      next = this.pending.get(this.last + 1)
    ) {
      this.pending.delete(this.last + 1)
      this.last++
      this.deps.publish(this.topic, next)
    }
    if (!this.behind) this.clearGapTimer()
    else this.gapTimer ??= setTimeout(() => void this.fillGap(), this.deps.gapWaitMs)
  }

  close(): void {
    this.sharing.closed = true
    this.clearGapTimer()
    this.pending.clear()
  }

  /**
   * Delivers what the store holds past the last seq delivered here: after the bus was lost,
   * messages committed meanwhile (by any node) may never arrive through it, and in a room that
   * went quiet no later message would show the gap.
   */
  async reconcile(): Promise<void> {
    for (let round = 0; round < RECONCILE_ROUNDS && this.last !== null; round++) {
      const from = this.last
      const missed = await this.deps.messages.since(this.appId, this.roomId, from, RECONCILE_PAGE)
      this.catchUp(missed, from)
      this.drain()
      if (missed.length < RECONCILE_PAGE) return
    }
  }

  private clearGapTimer(): void {
    if (this.gapTimer) clearTimeout(this.gapTimer)
    this.gapTimer = null
  }

  private async fillGap(): Promise<void> {
    this.gapTimer = null
    if (this.filling || this.last === null || !this.behind) return
    this.filling = true
    try {
      const upTo = this.pending.size > 0 ? Math.min(...this.pending.keys()) - 1 : this.committedUpTo
      const missing = await this.deps.messages.since(this.appId, this.roomId, this.last, upTo - this.last)
      this.catchUp(missing, this.last)
    } catch (err) {
      this.deps.log.warn({ err, room: this.roomId }, 'unable to fill a gap in the room feed; retrying')
    } finally {
      this.filling = false
      this.drain()
    }
  }
}

/** The feeds of rooms that have sockets on this node, subscribed to the bus while in use. */
export class RoomFeeds {
  private readonly feeds = new Map<string, RoomFeed>()
  /** The rooms' newest history pages, for their members on this node. */
  readonly newest = new NewestPages()
  private readonly sharing: RoomSharing

  constructor(
    private readonly deps: {
      bus: Bus
      messages: MessageStore
      publish: Publish
      log: Logger
      gapWaitMs?: number
      /** Tells this node's hellos on room channels from other nodes'; default: a random id. */
      nodeId?: string
    },
  ) {
    this.sharing = new RoomSharing({ bus: deps.bus, log: deps.log, nodeId: deps.nodeId ?? randomUUID() })
  }

  async attach(appId: string, roomId: string): Promise<RoomFeed> {
    const key = `${appId}/${roomId}`
    let feed = this.feeds.get(key)
    if (!feed) {
      feed = new RoomFeed(appId, roomId, { ...this.deps, gapWaitMs: this.deps.gapWaitMs ?? 150 })
      this.feeds.set(key, feed)
      const created = feed
      const { channel } = created
      created.ready = this.deps.bus.subscribe(channel, (p) => {
        if (!this.sharing.onPayload(created.sharing, channel, p, created)) created.onPayload(p)
      })
      created.ready.then(
        () => this.sharing.listening(created.sharing, channel),
        () => undefined,
      )
    }
    feed.refs++
    try {
      await feed.ready
    } catch (err) {
      this.detach(feed)
      throw err
    }
    return feed
  }

  /**
   * Hands a message this node just committed to the room's feed, if any socket here is in the
   * room, and to the other nodes over the bus unless none listens (room-sharing.ts).
   * Local members need not wait for the bus round trip, and an echo that comes back later is
   * dropped as a repeat. Order still holds: the feed sorts by seq whatever the source.
   */
  share(appId: string, roomId: string, seq: number, frame: string): void {
    const feed = this.feeds.get(`${appId}/${roomId}`)
    feed?.onMessage(seq, frame)
    this.sharing.publish(feed?.sharing, feed?.channel ?? channels.room(appId, roomId), seq, frame)
  }

  /** The bus is back after a loss: every room's listeners may have changed. */
  relisten(): void {
    for (const feed of this.feeds.values())
      if (feed.sharing.subscribed) this.sharing.listening(feed.sharing, feed.channel)
  }

  /** The rooms with members on this node (joined at least once). */
  live(): Array<{ appId: string; room: Room }> {
    const live = []
    for (const { appId, room } of this.feeds.values()) if (room) live.push({ appId, room })
    return live
  }

  /** Every feed catches up with the store (see `RoomFeed.reconcile`); failures are logged. */
  async reconcile(): Promise<void> {
    await Promise.all(
      [...this.feeds.values()].map((feed) =>
        feed
          .reconcile()
          .catch((err: unknown) =>
            this.deps.log.warn({ err, room: feed.roomId }, 'unable to reconcile a room feed'),
          ),
      ),
    )
  }

  detach(feed: RoomFeed): void {
    if (--feed.refs > 0) return
    this.feeds.delete(`${feed.appId}/${feed.roomId}`)
    this.newest.forget(feed)
    feed.close()
    feed.ready?.then((unsubscribe) => unsubscribe()).catch(() => undefined)
  }
}
