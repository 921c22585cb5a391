import type { Message } from '@roomful/sdk/protocol'
import { RoomfulError } from '../errors.js'
import type { MemoryRoomStore } from '../rooms/room-store.memory.js'
import { AppendPlan } from './append-plan.js'
import { idempotencyKey } from './message-record.js'
import type { AppendResult, MessageStore, NewMessage } from './message-store.js'

/**
 * Messages in process memory (embedded mode). Seqs come from the room store's `lastSeq`, as
 * they do from the `rooms` row in MySQL, so both drivers agree on what a room's seq means.
 */
export class MemoryMessageStore implements MessageStore {
  /** Per room, messages by seq: index i holds seq i + 1. */
  private readonly logs = new Map<string, Message[]>()
  private readonly byClientId = new Map<string, Message>()

  constructor(private readonly rooms: MemoryRoomStore) {}

  async append(batch: NewMessage[]): Promise<AppendResult[]> {
    const plan = new AppendPlan(batch, (key) => this.byClientId.get(key))
    // Check everything before touching anything: a batch is stored whole or not at all.
    const rooms = plan.sortedRooms()
    for (const room of rooms) {
      if (!this.rooms.has(room.appId, room.roomId)) {
        throw new RoomfulError('room_not_found', `unable to store messages; no room ${room.roomId}`)
      }
    }
    for (const room of rooms) room.next = this.rooms.bumpSeq(room.appId, room.roomId, room.count) as number
    return plan.results((input, message) => {
      // Stored apart from the returned object, which the caller owns; never mutated here.
      const kept = structuredClone(message)
      this.log(logKey(input.appId, input.roomId)).push(kept)
      const key = idempotencyKey(input)
      if (key !== null) this.byClientId.set(key, kept)
    })
  }

  async history(appId: string, roomId: string, page: { before?: number; limit: number }): Promise<Message[]> {
    const log = this.logs.get(logKey(appId, roomId)) ?? []
    const end = Math.min(log.length, page.before === undefined ? log.length : Math.max(0, page.before - 1))
    return log.slice(Math.max(0, end - Math.max(0, page.limit)), end).map(clone)
  }

  async since(appId: string, roomId: string, afterSeq: number, limit: number): Promise<Message[]> {
    const log = this.logs.get(logKey(appId, roomId)) ?? []
    const start = Math.max(0, afterSeq)
    return log.slice(start, start + Math.max(0, limit)).map(clone)
  }

  private log(roomKey: string): Message[] {
    let log = this.logs.get(roomKey)
    if (!log) {
      log = []
      this.logs.set(roomKey, log)
    }
    return log
  }
}

const logKey = (appId: string, roomId: string) => `${appId}\u0000${roomId}`

// structuredClone keeps callers from editing stored messages, as a database round trip would.
const clone = (message: Message): Message => structuredClone(message)
