import type { Room, RoomSettings } from '@roomful/sdk/protocol'
import { channels, type Bus } from '../bus/bus.js'
import type { Logger } from '../logger.js'
import { roomTopic } from '../messages/room-feed.js'
import type { RoomSettingsCache } from './room-settings-cache.js'
import type { RoomRecord, RoomStore } from './room-store.js'

/** A room with members on this node, as the last join here read it. */
export interface LiveRoom {
  appId: string
  room: Room
}

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
      /** The rooms this node has members in, and how to read them again after a bus loss. */
      liveRooms: () => LiveRoom[]
      rooms: Pick<RoomStore, 'getMany'>
      view: (record: RoomRecord) => Promise<Room>
      log: Logger
    },
  ) {}

  async start(): Promise<void> {
    this.deps.bus.onReconnect(() => void this.resync())
    await this.deps.bus.subscribe(channels.roomControl(), (payload) => this.receive(payload))
  }

  /**
   * Whatever was published while the bus was away is unknown: the settings are read again, and
   * the members here of a room deleted or changed meanwhile are told as if the bus had brought
   * it (a change made on this node was applied here already, so nobody is told twice).
   */
  async resync(): Promise<void> {
    const live = this.deps.liveRooms()
    // What members were last told: the cached settings, or the room as their join read it.
    const told = live.map(({ appId, room }) => this.deps.settings.peek(appId, room.id) ?? room)
    this.deps.settings.clear()
    const idsByApp = new Map<string, string[]>()
    for (const { appId, room } of live) idsByApp.set(appId, [...(idsByApp.get(appId) ?? []), room.id])
    try {
      const records = new Map<string, RoomRecord>()
      for (const [appId, ids] of idsByApp)
        for (const record of await this.deps.rooms.getMany(appId, ids))
          records.set(`${appId}/${record.id}`, record)
      for (const [i, { appId, room }] of live.entries()) {
        const record = records.get(`${appId}/${room.id}`)
        if (!record) this.apply({ type: 'room.deleted', appId, room: { ...room, occupancy: 0 } })
        else if (!sameSettings(told[i]!, record))
          this.apply({ type: 'room.updated', appId, room: await this.deps.view(record) })
      }
    } catch (err) {
      this.deps.log.warn({ err }, "unable to read this node's rooms again after a bus loss")
    }
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

const sameSettings = (known: RoomSettings, record: RoomSettings): boolean =>
  known.slowModeSeconds === record.slowModeSeconds &&
  known.readOnly === record.readOnly &&
  known.archived === record.archived
