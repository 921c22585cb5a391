import type { Message } from '@roomful/sdk/protocol'
import { RoomfulError } from '../errors.js'
import type { MemoryRoomStore } from '../rooms/room-store.memory.js'
import { idempotencyKey, toMessage } from './message-record.js'
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
    // Validate everything before touching anything: a batch is stored whole or not at all.
    const perRoom = new Map<string, { appId: string; roomId: string; count: number }>()
    const plan: ({ kind: 'dup'; message: Message } | { kind: 'new'; firstOf?: number })[] = []
    const seenInBatch = new Map<string, number>()
    batch.forEach((input, i) => {
      const key = idempotencyKey(input)
      const stored = key === null ? undefined : this.byClientId.get(key)
      if (stored) return plan.push({ kind: 'dup', message: stored })
      const earlier = key === null ? undefined : seenInBatch.get(key)
      if (earlier !== undefined) return plan.push({ kind: 'new', firstOf: earlier })
      if (key !== null) seenInBatch.set(key, i)
      const roomKey = logKey(input.appId, input.roomId)
      const room = perRoom.get(roomKey) ?? { appId: input.appId, roomId: input.roomId, count: 0 }
      room.count += 1
      perRoom.set(roomKey, room)
      return plan.push({ kind: 'new' })
    })
    for (const room of perRoom.values()) {
      if (!this.rooms.has(room.appId, room.roomId)) {
        throw new RoomfulError('room_not_found', `unable to store messages; no room ${room.roomId}`)
      }
    }

    const nextSeq = new Map<string, number>()
    for (const [roomKey, room] of perRoom) {
      nextSeq.set(roomKey, this.rooms.bumpSeq(room.appId, room.roomId, room.count) as number)
    }
    const results: AppendResult[] = []
    batch.forEach((input, i) => {
      const step = plan[i] as (typeof plan)[number]
      if (step.kind === 'dup') return results.push({ message: clone(step.message), duplicate: true })
      if (step.firstOf !== undefined) {
        return results.push({
          message: clone((results[step.firstOf] as AppendResult).message),
          duplicate: true,
        })
      }
      const roomKey = logKey(input.appId, input.roomId)
      const seq = nextSeq.get(roomKey) as number
      nextSeq.set(roomKey, seq + 1)
      const message = toMessage(input, seq)
      this.log(roomKey).push(message)
      const key = idempotencyKey(input)
      if (key !== null) this.byClientId.set(key, message)
      return results.push({ message: clone(message), duplicate: false })
    })
    return results
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
