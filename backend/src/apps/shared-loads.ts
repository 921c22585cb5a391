/**
 * One store read per key at a time: whoever asks while a read of that key is under way waits
 * for it instead of starting another (10,000 sockets of one app connecting at once cost one
 * read). `forget` is for a change made meanwhile: the next caller starts a fresh read, and the
 * read under way still answers its own callers but is not `keep`-ed, so an older copy never
 * replaces a newer one.
 */
export class SharedLoads<K, V> {
  private readonly loads = new Map<K, Promise<V>>()

  /** The read of `key` under way, or a new one; `keep` gets its value unless it was forgotten. */
  get(key: K, read: () => Promise<V>, keep?: (value: V) => void): Promise<V> {
    const underWay = this.loads.get(key)
    if (underWay) return underWay
    const load: Promise<V> = read()
      .then((value) => {
        if (this.loads.get(key) === load) keep?.(value)
        return value
      })
      .finally(() => {
        if (this.loads.get(key) === load) this.loads.delete(key)
      })
    this.loads.set(key, load)
    return load
  }

  forget(key: K): void {
    this.loads.delete(key)
  }

  /** Settles once every read under way has (for a clean shutdown). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.loads.values()])
  }
}
