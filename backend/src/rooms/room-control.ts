import type { Room } from '@roomful/sdk/protocol'
import { channels, type Bus } from '../bus/bus.js'
import type { Logger } from '../logger.js'
import { roomTopic } from '../messages/room-feed.js'
import type { RoomSettingsCache } from './room-settings-cache.js'

/** What every node must act on when a moderator changes a room (published on `room-control`). */
export type RoomControlEvent =
  { type: 'room.updated'; appId: string; room: Room } | { type: 'room.deleted'; appId: string; room: Room }

/** The frame members and lobby watchers get. */
export const lobbyFrame = ({ type, room }: RoomControlEvent): string => JSON.stringify({ type, room })

/** The origin of changes the admin CLI publishes (it is no node). */
export const CLI_ORIGIN = 'cli'

/** The bus payload: the event and who sent it, so the sender's own node does not apply it twice. */
export const roomControlPayload = (event: RoomControlEvent, origin: string): string =>
  JSON.stringify({ ...event, origin })

/**
 * One node's end of the room-control channel. A change is applied on the node that made it at
 * once and on every other node when the bus brings it: settings caches updated, members told
 * (`room.updated` through the room's topic), and for a delete every member's socket taken out
 * of the room (`evict`).
 */
export class RoomControl {
  constructor(
    private readonly deps: {
      nodeId: string
      bus: Bus
      settings: RoomSettingsCache
      publish: (topic: string, frame: string) => void
      /** Sends `frame` to this node's members of the room and removes them from it. */
      evict: (appId: string, roomId: string, frame: string) => void
      /** Asks for the app's ranking again: a change from the CLI, which runs no scheduler, may
       * have put a room on or off the board (every node asks; the scheduler coalesces). */
      rerank: (appId: string) => void
      log: Logger
    },
  ) {}

  async start(): Promise<void> {
    // Whatever was published while the bus was away is unknown: read the settings again.
    this.deps.bus.onReconnect(() => this.deps.settings.clear())
    await this.deps.bus.subscribe(channels.roomControl(), (payload) => this.receive(payload))
  }

  /** Applies `event` here and tells the other nodes. A failed publish is logged: the change is
   * stored, and other nodes' caches catch up within their TTL. */
  async announce(event: RoomControlEvent): Promise<void> {
    this.apply(event)
    await Promise.all([
      this.deps.bus.publish(channels.roomControl(), roomControlPayload(event, this.deps.nodeId)),
      // Lobby watchers keep a room list: an archived or deleted room leaves it.
      this.deps.bus.publish(channels.lobby(event.appId), lobbyFrame(event)),
    ]).catch((err: unknown) =>
      this.deps.log.warn({ err, room: event.room.id }, 'unable to tell the other nodes of a room change'),
    )
  }

  private receive(payload: string): void {
    const event = JSON.parse(payload) as RoomControlEvent & { origin?: string }
    if (event.origin === this.deps.nodeId) return
    this.apply(event)
    if (event.origin === CLI_ORIGIN) this.deps.rerank(event.appId)
  }

  private apply(event: RoomControlEvent): void {
    const { appId, room } = event
    const frame = lobbyFrame(event)
    if (event.type === 'room.updated') {
      this.deps.settings.set(appId, room.id, room)
      this.deps.publish(roomTopic(appId, room.id), frame)
    } else {
      this.deps.settings.forget(appId, room.id)
      this.deps.evict(appId, room.id, frame)
    }
  }
}
