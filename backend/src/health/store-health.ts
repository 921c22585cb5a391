import type { Logger } from '../logger.js'

/** One quick check of a backing service; must settle within `timeoutMs` (or it counts as down). */
export type Probe = (timeoutMs: number) => Promise<void>

/**
 * Whether each store answers, probed in the background and cached, so `/readyz` and degraded
 * paths (the room list without Redis) answer in microseconds from what is known rather than
 * waiting for a statement to time out. A store is down from the moment a probe fails or takes
 * longer than `timeoutMs`, and up again at the first probe that answers in time. Each change
 * is logged once.
 */
export class StoreHealth {
  private readonly down = new Map<string, number>()
  private readonly listeners: Array<(store: string, up: boolean) => void> = []
  private timers: NodeJS.Timeout[] = []

  constructor(
    private readonly probes: Record<string, Probe>,
    private readonly options: { intervalMs: number; timeoutMs: number; log: Logger },
  ) {}

  start(): void {
    for (const [store, probe] of Object.entries(this.probes)) {
      let running = false
      const run = async () => {
        // A probe still running past its timeout has already marked the store down.
        if (running) return
        running = true
        try {
          await this.probe(store, probe)
        } finally {
          running = false
        }
      }
      void run()
      const timer = setInterval(() => void run(), this.options.intervalMs)
      timer.unref()
      this.timers.push(timer)
    }
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer)
    this.timers = []
  }

  /** False while `store` is known to be down; true for stores without a probe. */
  isUp(store: string): boolean {
    return !this.down.has(store)
  }

  /** How long `store` has been known to be down; 0 while it is up. */
  downForMs(store: string): number {
    const since = this.down.get(store)
    return since === undefined ? 0 : Date.now() - since
  }

  /** Every probed store is up. */
  get ready(): boolean {
    return this.down.size === 0
  }

  /** Each probed store's state, for `/readyz`. */
  status(): Record<string, 'up' | 'down'> {
    return Object.fromEntries(Object.keys(this.probes).map((s) => [s, this.isUp(s) ? 'up' : 'down']))
  }

  /** Calls `listener` on every change of a store's state. */
  onChange(listener: (store: string, up: boolean) => void): void {
    this.listeners.push(listener)
  }

  private async probe(store: string, probe: Probe): Promise<void> {
    // While a store is down, a probe stuck on the dead path gives up sooner (after one interval),
    // so the next one, on a fresh connection, finds the store back within about a second.
    const { intervalMs } = this.options
    const timeoutMs = this.isUp(store) ? this.options.timeoutMs : Math.min(this.options.timeoutMs, intervalMs)
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
    })
    // The deadline marks the store down on time even if the probe itself hangs longer.
    late.catch((err: Error) => this.mark(store, false, err))
    try {
      await Promise.race([probe(timeoutMs), late])
      this.mark(store, true)
    } catch (err) {
      this.mark(store, false, err)
    } finally {
      clearTimeout(timer)
    }
  }

  private mark(store: string, up: boolean, err?: unknown): void {
    if (up === this.isUp(store)) return
    if (up) {
      const since = this.down.get(store) ?? Date.now()
      this.down.delete(store)
      this.options.log.info({ store, downMs: Date.now() - since }, 'store reachable again')
    } else {
      this.down.set(store, Date.now())
      this.options.log.warn({ store, err }, 'store unreachable; /readyz answers 503 until it is back')
    }
    for (const listener of this.listeners) listener(store, up)
  }
}
