import type { Message } from '@roomful/sdk/protocol'
import { idempotencyKey, toMessage } from './message-record.js'
import type { AppendResult, NewMessage } from './message-store.js'

/** One distinct room of a batch: how many new messages it takes, and (once reserved) its first seq. */
export interface RoomReservation {
  appId: string
  roomId: string
  count: number
  next: number
}

type Step =
  | { kind: 'stored'; message: Message }
  | { kind: 'sameAs'; index: number }
  | { kind: 'insert'; room: RoomReservation }

/**
 * How a batch is appended, decided the same way by every driver: an input whose
 * (room, user, clientId) is already stored returns the stored original; a repeat of an
 * earlier input of the same batch returns what that one got; every other input is new and
 * takes its room's next seq, in input order.
 */
export class AppendPlan {
  private readonly steps: Step[] = []
  /** The rooms that get new messages, keyed by [appId, roomId]. */
  readonly rooms = new Map<string, RoomReservation>()

  constructor(
    private readonly batch: NewMessage[],
    stored: (key: string) => Message | undefined,
  ) {
    const firstIndex = new Map<string, number>()
    batch.forEach((input, i) => {
      const key = idempotencyKey(input)
      const original = key === null ? undefined : stored(key)
      const earlier = key === null ? undefined : firstIndex.get(key)
      if (original) this.steps.push({ kind: 'stored', message: original })
      else if (earlier !== undefined) this.steps.push({ kind: 'sameAs', index: earlier })
      else {
        if (key !== null) firstIndex.set(key, i)
        const roomKey = JSON.stringify([input.appId, input.roomId])
        const room = this.rooms.get(roomKey) ?? {
          appId: input.appId,
          roomId: input.roomId,
          count: 0,
          next: 0,
        }
        room.count += 1
        this.rooms.set(roomKey, room)
        this.steps.push({ kind: 'insert', room })
      }
    })
  }

  /** Rooms in one global order: lock them in it, so batches sharing rooms cannot deadlock. */
  sortedRooms(): RoomReservation[] {
    return [...this.rooms.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, room]) => room)
  }

  /** Each input to store, in input order, with its room and its place among that room's new
   * messages (0, 1, …): it takes seq `next + index` once the room's `next` is reserved. */
  newInputs(): Array<{ input: NewMessage; room: RoomReservation; index: number }> {
    const taken = new Map<RoomReservation, number>()
    const found: Array<{ input: NewMessage; room: RoomReservation; index: number }> = []
    this.batch.forEach((input, i) => {
      const step = this.steps[i] as Step
      if (step.kind !== 'insert') return
      const index = taken.get(step.room) ?? 0
      taken.set(step.room, index + 1)
      found.push({ input, room: step.room, index })
    })
    return found
  }

  /** Results in input order, once every room's `next` is reserved; `onNew` sees each message to store. */
  results(onNew?: (input: NewMessage, message: Message) => void): AppendResult[] {
    const results: AppendResult[] = []
    this.batch.forEach((input, i) => {
      const step = this.steps[i] as Step
      if (step.kind === 'stored') results.push({ message: structuredClone(step.message), duplicate: true })
      else if (step.kind === 'sameAs') {
        results.push({
          message: structuredClone((results[step.index] as AppendResult).message),
          duplicate: true,
        })
      } else {
        const message = toMessage(input, step.room.next++)
        onNew?.(input, message)
        results.push({ message, duplicate: false })
      }
    })
    return results
  }
}
