import { describe, expect, it } from 'vitest'
import { LruCache } from './lru-cache.js'

describe('LruCache', () => {
  it('keeps at most its size, dropping the least recently used first', () => {
    const cache = new LruCache<string, number>(3)
    for (const [i, key] of ['a', 'b', 'c'].entries()) cache.set(key, i, 60_000)
    expect(cache.get('a')).toBe(0) // a is now the most recently used
    cache.set('d', 3, 60_000)
    expect(cache.size).toBe(3)
    expect(cache.get('b')).toBeUndefined()
    expect([cache.get('a'), cache.get('c'), cache.get('d')]).toEqual([0, 2, 3])
    for (let i = 0; i < 10_000; i++) cache.set(`k${i}`, i, 60_000)
    expect(cache.size).toBe(3)
  })

  it('forgets each entry after its own time to live, null values included', () => {
    let now = 1_000
    const cache = new LruCache<string, number | null>(10, () => now)
    cache.set('found', 1, 5_000)
    cache.set('missing', null, 1_000)
    now += 999
    expect([cache.get('found'), cache.get('missing')]).toEqual([1, null])
    now += 1
    expect([cache.get('found'), cache.get('missing')]).toEqual([1, undefined])
    expect(cache.size).toBe(1)
    now += 4_000
    expect(cache.get('found')).toBeUndefined()
    expect(cache.size).toBe(0)
  })
})
