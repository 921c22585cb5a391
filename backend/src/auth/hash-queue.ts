import { RoomfulError } from '../errors.js'

export interface HashQueueOptions {
  /** Hashes computed at once (each holds ~32 MiB while it runs). */
  concurrency: number
  /** Hashes that may wait for a free slot. */
  depth: number
  /** Hashes one client address may have running or waiting at once. */
  perAddress: number
}

const busy = (why: string) =>
  new RoomfulError('server_busy', `unable to check the password now; ${why}`, {
    headers: { 'Retry-After': '1' },
  })

/**
 * Runs password hashes (scrypt at ~32 MiB and ~150 ms each) at most `concurrency` at a time,
 * with at most `depth` waiting, and at most `perAddress` of them for one client address. Past
 * that a request is refused at once with `server_busy` rather than queued: memory stays
 * bounded, and a login waits behind at most one address's share of the queue, never a flood.
 */
export class HashQueue {
  private running = 0
  private readonly waiting: Array<() => void> = []
  /** Running or waiting hashes per address; an address leaves the map at zero. */
  private readonly held = new Map<string, number>()

  constructor(private readonly options: HashQueueOptions) {}

  async run<T>(address: string, task: () => Promise<T>): Promise<T> {
    const held = this.held.get(address) ?? 0
    if (held >= this.options.perAddress) throw busy('this address has too many in progress')
    const mustWait = this.running >= this.options.concurrency
    if (mustWait && this.waiting.length >= this.options.depth) throw busy('the server is busy')
    this.held.set(address, held + 1)
    try {
      if (mustWait) await new Promise<void>((resolve) => this.waiting.push(resolve))
      else this.running += 1
      try {
        return await task()
      } finally {
        // The slot passes straight to the next waiter, so a newcomer cannot cut in ahead of it.
        const next = this.waiting.shift()
        if (next) next()
        else this.running -= 1
      }
    } finally {
      const left = (this.held.get(address) ?? 1) - 1
      if (left === 0) this.held.delete(address)
      else this.held.set(address, left)
    }
  }
}
