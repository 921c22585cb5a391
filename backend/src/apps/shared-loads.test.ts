import { describe, expect, it } from 'vitest'
import { SharedLoads } from './shared-loads.js'

/** A read that answers when told to, counting how often it was started. */
function controlledReads() {
  const releases: Array<(value: string) => void> = []
  let started = 0
  const read = () => {
    started++
    return new Promise<string>((resolve) => releases.push(resolve))
  }
  return { read, releases, started: () => started }
}

describe('SharedLoads', () => {
  it('starts one read for the callers who ask while it is under way, and keeps its value once', async () => {
    const loads = new SharedLoads<string, string>()
    const { read, releases, started } = controlledReads()
    const kept: string[] = []
    const answers = [1, 2, 3].map(() => loads.get('a', read, (value) => kept.push(value)))
    expect(started()).toBe(1)
    releases[0]!('first')
    expect(await Promise.all(answers)).toEqual(['first', 'first', 'first'])
    expect(kept).toEqual(['first'])
    // Settled: the next caller reads again.
    void loads.get('a', read)
    expect(started()).toBe(2)
  })

  it('after forget, starts a fresh read and does not keep the one it overtook', async () => {
    const loads = new SharedLoads<string, string>()
    const { read, releases, started } = controlledReads()
    const kept: string[] = []
    const keep = (value: string) => kept.push(value)
    const old = loads.get('a', read, keep)
    loads.forget('a')
    const fresh = loads.get('a', read, keep)
    expect(started()).toBe(2)
    releases[1]!('new')
    releases[0]!('old')
    expect([await old, await fresh]).toEqual(['old', 'new'])
    expect(kept).toEqual(['new'])
    // The old read's end did not drop the fresh one's place: a caller now joins nothing stale.
    void loads.get('a', read)
    expect(started()).toBe(3)
  })

  it('lets every waiting caller see a failed read, and the next one try again', async () => {
    const loads = new SharedLoads<string, string>()
    let attempts = 0
    const failing = () => (++attempts === 1 ? Promise.reject(new Error('down')) : Promise.resolve('up'))
    await expect(Promise.all([loads.get('a', failing), loads.get('a', failing)])).rejects.toThrow('down')
    expect(attempts).toBe(1)
    expect(await loads.get('a', failing)).toBe('up')
    await loads.idle()
  })
})
