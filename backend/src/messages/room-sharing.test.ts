import { describe, expect, it } from 'vitest'
import type { Bus } from '../bus/bus.js'
import { roomEnvelope } from '../bus/bus.js'
import { createLogger } from '../logger.js'
import { newSharingState, RoomSharing } from './room-sharing.js'

const CHANNEL = 'room:a1:r1'
const FRAME = '{"type":"message"}'

/** A bus whose publishes wait until the test answers them with a count of receivers. */
function countingBus() {
  const sent: Array<{ payload: string; answer(receivers: number | null): void }> = []
  const bus = {
    publish: (_channel: string, payload: string) =>
      new Promise<number | null>((resolve) => sent.push({ payload, answer: resolve })),
  } as unknown as Bus
  const answerAll = async (receivers: number | null) => {
    for (const p of sent.splice(0)) p.answer(receivers)
    await new Promise((resolve) => setImmediate(resolve))
  }
  return { bus, sent, answerAll }
}

function sharing() {
  const { bus, sent, answerAll } = countingBus()
  const rooms = new RoomSharing({ bus, log: createLogger('silent'), nodeId: 'me' })
  const state = newSharingState()
  const expected: number[] = []
  const feed = { expect: (seq: number) => void expected.push(seq) }
  const listen = async () => {
    rooms.listening(state, CHANNEL)
    await answerAll(2) // the hello
  }
  // A stored message's envelope by its head alone (`M<seq>`); the others whole.
  const payloads = () =>
    sent.map(({ payload }) => (payload.startsWith('M') ? payload.slice(0, payload.indexOf('\n')) : payload))
  return { rooms, state, sent, answerAll, listen, payloads, feed, expected }
}

describe('RoomSharing: the bus only where another node listens', () => {
  it('says hello once its subscription is in place, and skips the bus once a publish reached no other node', async () => {
    const { rooms, state, listen, payloads, answerAll } = sharing()
    await listen()
    rooms.publish(state, CHANNEL, 1, FRAME)
    expect(payloads()).toEqual(['M1'])
    await answerAll(1)
    rooms.publish(state, CHANNEL, 2, FRAME)
    rooms.publish(state, CHANNEL, 3, FRAME)
    expect(payloads()).toEqual([])
  })

  it('publishes again when another node says hello, and tells it how far the room is committed', async () => {
    const { rooms, state, listen, payloads, answerAll, feed } = sharing()
    await listen()
    rooms.publish(state, CHANNEL, 1, FRAME)
    await answerAll(1)
    rooms.publish(state, CHANNEL, 2, FRAME) // skipped
    expect(rooms.onPayload(state, CHANNEL, roomEnvelope.hello('other'), feed)).toBe(true)
    expect(payloads()).toEqual([roomEnvelope.committed(2, 'me')])
    await answerAll(2)
    rooms.publish(state, CHANNEL, 3, FRAME)
    expect(payloads()).toEqual(['M3'])
  })

  it('does not trust a count taken before a hello, a count the bus cannot vouch for, or one taken before it listened', async () => {
    const { rooms, state, listen, payloads, answerAll, feed } = sharing()
    rooms.publish(state, CHANNEL, 1, FRAME) // not subscribed yet
    await answerAll(1)
    await listen()
    rooms.publish(state, CHANNEL, 2, FRAME)
    rooms.onPayload(state, CHANNEL, roomEnvelope.hello('other'), feed)
    await answerAll(1)
    rooms.publish(state, CHANNEL, 3, FRAME)
    expect(payloads()).toEqual(['M3'])
    await answerAll(null) // the bus lost its subscriptions around this publish
    rooms.publish(state, CHANNEL, 4, FRAME)
    expect(payloads()).toEqual(['M4'])
  })

  it('ignores its own hello and its own word on how far the room is committed', async () => {
    const { rooms, state, listen, payloads, answerAll, feed, expected } = sharing()
    await listen()
    rooms.publish(state, CHANNEL, 1, FRAME)
    await answerAll(1)
    rooms.onPayload(state, CHANNEL, roomEnvelope.hello('me'), feed)
    rooms.onPayload(state, CHANNEL, roomEnvelope.committed(7, 'me'), feed)
    rooms.onPayload(state, CHANNEL, roomEnvelope.committed(9, 'other'), feed)
    expect(expected).toEqual([9])
    rooms.publish(state, CHANNEL, 2, FRAME)
    expect(payloads()).toEqual([])
    expect(rooms.onPayload(state, CHANNEL, 'M3\n{}', feed)).toBe(false)
  })
})
