import { describe, expect, it } from 'vitest'
import { createLogger } from '../logger.js'
import { RoomActivity } from './room-activity.js'

describe('RoomActivity: coalesced activity writes', () => {
  it('writes once per app per interval, each busy room with its latest time', async () => {
    const writes: Array<[string, Record<string, number>]> = []
    const activity = new RoomActivity({
      presence: { touch: async (app, rooms) => void writes.push([app, Object.fromEntries(rooms)]) },
      log: createLogger('silent'),
      intervalMs: 20,
    })
    activity.record('a1', 'r1', 100)
    activity.record('a1', 'r1', 300)
    activity.record('a1', 'r1', 200)
    activity.record('a1', 'r2', 150)
    activity.record('a2', 'r1', 120)
    expect(writes).toEqual([])
    await new Promise((resolve) => setTimeout(resolve, 60))
    expect(writes).toEqual([
      ['a1', { r1: 300, r2: 150 }],
      ['a2', { r1: 120 }],
    ])
    activity.record('a1', 'r1', 400)
    await activity.flush()
    expect(writes.at(-1)).toEqual(['a1', { r1: 400 }])
  })
})
