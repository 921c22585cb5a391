import { describe, expect, it } from 'vitest'
import type { AppendResult, MessageStore, NewMessage } from './message-store.js'
import { WriteBatcher } from './write-batcher.js'

const input = (roomId: string, n: number): NewMessage => ({
  id: `m${roomId}${n}`,
  appId: 'a',
  roomId,
  kind: 'text',
  user: { id: 'u', name: 'U', avatar: null },
  text: `${roomId}-${n}`,
  clientId: `${roomId}-${n}`,
  createdAt: new Date(),
})

/** A store that records each batch and lets the test decide when transactions finish. */
function recordingStore(fail = false) {
  const batches: string[][] = []
  const seqs = new Map<string, number>()
  const inFlight = new Map<string, number>()
  let overlaps = 0
  const store = {
    async append(batch: NewMessage[]): Promise<AppendResult[]> {
      batches.push(batch.map((m) => m.text))
      const rooms = new Set(batch.map((m) => m.roomId))
      for (const room of rooms) {
        if (inFlight.get(room)) overlaps++
        inFlight.set(room, (inFlight.get(room) ?? 0) + 1)
      }
      await new Promise((resolve) => setTimeout(resolve, 5))
      for (const room of rooms) inFlight.set(room, inFlight.get(room)! - 1)
      if (fail) throw new Error('connection lost')
      return batch.map((m) => {
        const seq = (seqs.get(m.roomId) ?? 0) + 1
        seqs.set(m.roomId, seq)
        return { duplicate: false, message: { ...m, seq, createdAt: m.createdAt.toISOString() } as never }
      })
    },
  } as unknown as MessageStore
  return { store, batches, overlaps: () => overlaps }
}

describe('WriteBatcher: group commit', () => {
  it('groups concurrent sends into few transactions and keeps each room in send order', async () => {
    const { store, batches, overlaps } = recordingStore()
    const batcher = new WriteBatcher(store, { maxBatch: 50, maxInFlight: 2, moreWhenQueued: 1 })
    const sends = Array.from({ length: 200 }, (_, i) => batcher.append(input(i % 2 ? 'x' : 'y', i)))
    const results = await Promise.all(sends)
    expect(batches.length).toBeLessThan(20)
    for (const room of ['x', 'y']) {
      const seqs = results.filter((r) => r.message.roomId === room).map((r) => r.message.seq)
      expect(seqs).toEqual(Array.from({ length: 100 }, (_, i) => i + 1))
    }
    // A room is never in two transactions at once: that is what keeps a sender's order.
    expect(overlaps()).toBe(0)
  })

  it('commits other rooms while one room waits for its in-flight batch', async () => {
    const { store, batches } = recordingStore()
    const batcher = new WriteBatcher(store, { maxBatch: 50, maxInFlight: 4, moreWhenQueued: 2 })
    const first = batcher.append(input('busy', 1))
    await new Promise((resolve) => setImmediate(resolve))
    // `busy` is in flight: its next send waits, the other rooms' sends leave without it.
    const sends = [
      batcher.append(input('busy', 2)),
      batcher.append(input('a', 1)),
      batcher.append(input('b', 1)),
    ]
    await Promise.all([first, ...sends])
    expect(batches[0]).toEqual(['busy-1'])
    expect(batches[1]).toEqual(['a-1', 'b-1'])
    expect(batches[2]).toEqual(['busy-2'])
  })

  it('holds a few sends that arrive during a transaction for the next one, and starts more only when many wait', async () => {
    const { store, batches } = recordingStore()
    const batcher = new WriteBatcher(store, { maxBatch: 50, maxInFlight: 4, moreWhenQueued: 3 })
    const first = batcher.append(input('a', 1))
    await new Promise((resolve) => setImmediate(resolve))
    const few = [batcher.append(input('b', 1)), batcher.append(input('c', 1))]
    await new Promise((resolve) => setImmediate(resolve))
    expect(batches).toEqual([['a-1']]) // two waiting: they wait for the running transaction
    const many = [batcher.append(input('d', 1)), batcher.append(input('e', 1)), batcher.append(input('f', 1))]
    await new Promise((resolve) => setImmediate(resolve))
    expect(batches).toEqual([['a-1'], ['b-1', 'c-1', 'd-1', 'e-1', 'f-1']]) // five: one more starts
    await Promise.all([first, ...few, ...many])
  })

  it('rejects every send of a failed transaction with store_unavailable', async () => {
    const { store } = recordingStore(true)
    const batcher = new WriteBatcher(store)
    const outcome = await Promise.allSettled([batcher.append(input('x', 1)), batcher.append(input('y', 2))])
    for (const result of outcome) {
      expect(result.status).toBe('rejected')
      expect((result as PromiseRejectedResult).reason).toMatchObject({ code: 'store_unavailable' })
    }
  })
})
