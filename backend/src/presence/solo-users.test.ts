import { describe, expect, it } from 'vitest'
import { MemoryBus } from '../bus/bus.memory.js'
import { SoloUsers } from './solo-users.js'

/** One bus shared by two nodes, which can say it came back after a loss. */
class FlakyBus extends MemoryBus {
  private readonly listeners: Array<() => void> = []
  override onReconnect(listener: () => void): void {
    this.listeners.push(listener)
  }
  cameBack(): void {
    for (const listener of this.listeners) listener()
  }
}

async function twoNodes() {
  const bus = new FlakyBus((err) => {
    throw err
  })
  const a = new SoloUsers(bus, (err) => {
    throw err
  })
  const b = new SoloUsers(bus, (err) => {
    throw err
  })
  await Promise.all([a.start(), b.start()])
  return { bus, a, b }
}
const delivered = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('SoloUsers', () => {
  it('knows a user whose every connection is on this node, two tabs or one', async () => {
    const { a } = await twoNodes()
    a.counted('app', 'ann', 'only-this-node', a.mark())
    a.counted('app', 'ann', 'only-this-node', a.mark())
    expect(a.isSolo('app', 'ann')).toBe(true)
    expect(a.isSolo('app', 'bob')).toBe(false)
    expect(a.isSolo('other-app', 'ann')).toBe(false)
    a.closed('app', 'ann')
    expect(a.isSolo('app', 'ann')).toBe(true)
    a.closed('app', 'ann')
    expect(a.isSolo('app', 'ann')).toBe(false)
  })

  it('stops treating a user as solo once another node counts a connection of theirs', async () => {
    const { a, b } = await twoNodes()
    a.counted('app', 'ann', 'only-this-node', a.mark())
    a.counted('app', 'bob', 'only-this-node', a.mark())
    b.counted('app', 'ann', 'other-nodes-too', b.mark())
    expect(b.isSolo('app', 'ann')).toBe(false)
    await delivered()
    expect(a.isSolo('app', 'ann')).toBe(false)
    expect(a.isSolo('app', 'bob')).toBe(true)
    // Only a count that finds the user alone here again makes them solo again.
    b.closed('app', 'ann')
    a.counted('app', 'ann', 'only-this-node', a.mark())
    expect(a.isSolo('app', 'ann')).toBe(true)
  })

  it('trusts no count during which a notice was heard, nor anything from before a bus loss', async () => {
    const { bus, a, b } = await twoNodes()
    const mark = a.mark()
    b.counted('app', 'ann', 'other-nodes-too', b.mark())
    await delivered()
    // a's store answer was on its way when b's notice came: it may be about ann.
    a.counted('app', 'ann', 'only-this-node', mark)
    expect(a.isSolo('app', 'ann')).toBe(false)

    a.counted('app', 'cid', 'only-this-node', a.mark())
    const before = a.mark()
    bus.cameBack()
    expect(a.isSolo('app', 'cid')).toBe(false)
    a.counted('app', 'dee', 'only-this-node', before)
    expect(a.isSolo('app', 'dee')).toBe(false)
    a.counted('app', 'dee', 'only-this-node', a.mark())
    expect(a.isSolo('app', 'dee')).toBe(true)
  })
})
