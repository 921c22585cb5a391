import type { Message } from '@roomful/sdk/protocol'
import { RoomfulError } from '../errors.js'
import type { MemoryRoomStore } from '../rooms/room-store.memory.js'
import { AppendPlan } from './append-plan.js'
import { idempotencyKey } from './message-record.js'
import { changedTarget, changeEntry, checkChangeable } from './message-change.js'
import type { AppendResult, ChangeResult, MessageChange, MessageStore, NewMessage } from './message-store.js'

/**
 * Messages in process memory (embedded mode). Seqs come from the room store's `lastSeq`, as
 * they do from the `rooms` row in MySQL, so both drivers agree on what a room's seq means.
 */
export class MemoryMessageStore implements MessageStore {
  /** Per room, messages by seq: index i holds seq i + 1. */
  private readonly logs = new Map<string, Message[]>()
  private readonly byClientId = new Map<string, Message>()
  /** Per room and message id, its seq: where a change finds its target. */
  private readonly seqById = new Map<string, number>()

  constructor(private readonly rooms: MemoryRoomStore) {
    rooms.whenDeleted((appId, roomId) => this.dropRoom(appId, roomId))
  }

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
      this.seqById.set(idKey(input.appId, input.roomId, message.id), message.seq)
      const key = idempotencyKey(input)
      if (key !== null) this.byClientId.set(key, kept)
    })
  }

  async change(change: MessageChange): Promise<ChangeResult> {
    const log = this.log(logKey(change.appId, change.roomId))
    const seq = this.seqById.get(idKey(change.appId, change.roomId, change.targetId))
    const found = seq === undefined ? undefined : log[seq - 1]
    const stored = found === undefined ? undefined : clone(found)
    checkChangeable(stored, change)
    // Nothing awaits from here on, so no append can take a seq in between, as the row lock does in MySQL.
    const next = this.rooms.bumpSeq(change.appId, change.roomId, 1) as number
    const entry = changeEntry(change, next)
    const target = changedTarget(stored, change)
    log[target.seq - 1] = structuredClone(target)
    if (change.kind === 'delete') {
      // Earlier edits carry texts of the deleted message: they go too.
      for (let i = target.seq; i < log.length; i++) {
        const m = log[i] as Message
        if (m.kind === 'edit' && m.target === change.targetId) log[i] = { ...m, text: '' }
      }
    }
    log.push(structuredClone(entry))
    this.seqById.set(idKey(change.appId, change.roomId, entry.id), entry.seq)
    return { entry, target }
  }

  async history(appId: string, roomId: string, page: { before?: number; limit: number }): Promise<Message[]> {
    const log = this.logs.get(logKey(appId, roomId)) ?? []
    const end = Math.min(log.length, page.before === undefined ? log.length : Math.max(0, page.before - 1))
    return log.slice(Math.max(0, end - Math.max(0, page.limit)), end).map(clone)
  }

  async get(appId: string, roomId: string, messageId: string): Promise<Message | null> {
    const seq = this.seqById.get(idKey(appId, roomId, messageId))
    const found = seq === undefined ? undefined : this.logs.get(logKey(appId, roomId))?.[seq - 1]
    return found ? clone(found) : null
  }

  async since(appId: string, roomId: string, afterSeq: number, limit: number): Promise<Message[]> {
    const log = this.logs.get(logKey(appId, roomId)) ?? []
    const start = Math.max(0, afterSeq)
    return log.slice(start, start + Math.max(0, limit)).map(clone)
  }

  /** The room was deleted: its log and both indexes of it go. */
  private dropRoom(appId: string, roomId: string): void {
    const log = this.logs.get(logKey(appId, roomId)) ?? []
    this.logs.delete(logKey(appId, roomId))
    for (const message of log) {
      this.seqById.delete(idKey(appId, roomId, message.id))
      const key = idempotencyKey({ appId, roomId, user: message.user, clientId: message.clientId })
      if (key !== null) this.byClientId.delete(key)
    }
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
const idKey = (appId: string, roomId: string, id: string) => `${appId}\u0000${roomId}\u0000${id}`

// structuredClone keeps callers from editing stored messages, as a database round trip would.
const clone = (message: Message): Message => structuredClone(message)
