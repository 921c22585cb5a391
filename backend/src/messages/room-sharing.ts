import type { Bus } from '../bus/bus.js'
import { roomEnvelope } from '../bus/bus.js'
import type { Logger } from '../logger.js'

const HELLO_RETRY_MS = 1_000

/** What a node knows of the other nodes listening to one of its rooms (one per room feed). */
export interface SharingState {
  /** The feed's own subscription is in place: a count of receivers includes it. */
  subscribed: boolean
  /** No other node listens: this node's commits to the room skip the bus. */
  alone: boolean
  /** Bumped by every sign that another node may have begun to listen (a hello, a lost bus):
   * a count taken by a publish sent before it says nothing about now. */
  epoch: number
  /** A commit skipped the bus since the last hello: a newcomer must learn how far the room got. */
  skipped: boolean
  /** The highest seq this node committed in the room. */
  highestSeq: number
  /** The feed is gone (its last member left): nothing more is said for it. */
  closed: boolean
}

export const newSharingState = (): SharingState => ({
  subscribed: false,
  alone: false,
  epoch: 0,
  skipped: false,
  highestSeq: 0,
  closed: false,
})

/**
 * Whether this node's commits to a room go over the bus: not while no other node listens to
 * the room, since the node's own members already have them (`RoomFeeds.share`) and the bus
 * would only echo them back. A room whose members are all on one node, the common case, then
 * costs no publish, no reply and no echo per message.
 *
 * How a node knows, without missing a listener:
 * - A publish's count of receivers says so: 1 is this node's own subscription alone. The count
 *   is used only if no hello came since the publish left, and only if the bus vouches that
 *   this node's subscriptions were in place all along (it answers null otherwise).
 * - A node that begins to listen to a room says hello on the room's channel once its
 *   subscription is in place, and again whenever the bus comes back after a loss. Every node
 *   that hears it publishes the room's commits again; one that skipped some also says up to
 *   which seq the room is committed, and the newcomer reads what it lacks from the store, as
 *   for any gap (`RoomFeed.expect`). Its join read the store after subscribing, so a commit is
 *   either in what the join read, published, or below that seq.
 * - A node whose own bus was lost publishes again until a count says otherwise.
 */
export class RoomSharing {
  constructor(private readonly deps: { bus: Bus; log: Logger; nodeId: string }) {}

  /** Publishes a commit of this node's (its seq and frame), unless no other node listens to the
   * room: the envelope is built only for a publish. */
  publish(state: SharingState | undefined, channel: string, seq: number, frame: string): void {
    if (state) state.highestSeq = Math.max(state.highestSeq, seq)
    if (state?.alone) {
      state.skipped = true
      return
    }
    const epoch = state?.epoch
    const countable = state?.subscribed === true
    this.deps.bus.publish(channel, roomEnvelope.message(seq, frame)).then(
      (receivers) => {
        if (state && countable && receivers === 1 && state.epoch === epoch && !state.closed)
          state.alone = true
      },
      (err: unknown) => this.deps.log.warn({ err, channel }, 'unable to publish a stored message'),
    )
  }

  /**
   * The feed's subscription is in place (or back after the bus was lost): other nodes are told,
   * and this node publishes again until a count says it may stop.
   */
  listening(state: SharingState, channel: string): void {
    if (state.closed) return
    state.subscribed = true
    this.othersMayListen(state, channel)
    this.deps.bus.publish(channel, roomEnvelope.hello(this.deps.nodeId)).catch((err: unknown) => {
      // Unheard, a node skipping the room's publishes would go on skipping: say it again.
      this.deps.log.warn({ err, channel }, 'unable to say hello on a room channel; retrying')
      setTimeout(() => !state.closed && this.listening(state, channel), HELLO_RETRY_MS).unref()
    })
  }

  /**
   * Handles the envelopes of this protocol; false for any other payload. `expect` is the feed's:
   * the room is committed up to that seq.
   */
  onPayload(
    state: SharingState,
    channel: string,
    payload: string,
    feed: { expect(seq: number): void },
  ): boolean {
    if (payload.startsWith('H')) {
      if (payload.slice(1) !== this.deps.nodeId) this.othersMayListen(state, channel)
      return true
    }
    if (payload.startsWith('C')) {
      const newline = payload.indexOf('\n')
      if (payload.slice(newline + 1) !== this.deps.nodeId) feed.expect(Number(payload.slice(1, newline)))
      return true
    }
    return false
  }

  private othersMayListen(state: SharingState, channel: string): void {
    state.alone = false
    state.epoch++
    if (!state.skipped) return
    state.skipped = false
    this.deps.bus
      .publish(channel, roomEnvelope.committed(state.highestSeq, this.deps.nodeId))
      .catch((err: unknown) => {
        this.deps.log.warn({ err, channel }, 'unable to say how far a room is committed; retrying')
        state.skipped = true
        setTimeout(() => !state.closed && this.othersMayListen(state, channel), HELLO_RETRY_MS).unref()
      })
  }
}
