import { ERROR_CODES, type NoticeKind, type UserProfile } from '@roomful/sdk/protocol'
import { RoomfulError } from '../errors.js'
import type { Logger } from '../logger.js'

/** Where join/leave notices are written: the room's message log (`MessagesService`). Declared
 * here, not imported, so that presence stays below the features that read its store. */
export interface NoticeLog {
  notice(appId: string, roomId: string, user: UserProfile, notice: NoticeKind): Promise<unknown>
}

interface Waiting {
  appId: string
  roomId: string
  user: UserProfile
  notice: NoticeKind
  /** Epoch ms of the join or leave. */
  at: number
}

export interface NoticeBacklogOptions {
  /** Notices kept per node while the message store is away; beyond it the oldest is dropped. */
  maxWaiting?: number
  /** A notice older than this when the store returns is dropped: the log would show it far
   * from where it happened. */
  maxAgeMs?: number
  /** How often waiting notices are tried again (sooner on `retryNow`). */
  retryMs?: number
}

/**
 * Join/leave notices that could not be stored (the message store was unreachable) wait here,
 * in order, and are stored when it answers again. The rule for dropping one instead (too many
 * waiting, waited too long, or a refusal that retrying cannot fix) is applied loudly: a log
 * line each, and `counts.dropped`. Notices of one node keep their order; a notice arriving
 * while others wait queues behind them.
 */
export class NoticeBacklog implements NoticeLog {
  /** Running totals, for metrics: deferred (waited at least once), stored after waiting, dropped. */
  readonly counts = { deferred: 0, stored: 0, dropped: 0 }
  private readonly waiting: Waiting[] = []
  private timer: NodeJS.Timeout | undefined
  private flushing = false
  private readonly maxWaiting: number
  private readonly maxAgeMs: number
  private readonly retryMs: number

  constructor(
    private readonly log: NoticeLog,
    private readonly logger: Logger,
    options: NoticeBacklogOptions = {},
  ) {
    this.maxWaiting = options.maxWaiting ?? 1000
    this.maxAgeMs = options.maxAgeMs ?? 10 * 60_000
    this.retryMs = options.retryMs ?? 2000
  }

  get size(): number {
    return this.waiting.length
  }

  async notice(appId: string, roomId: string, user: UserProfile, notice: NoticeKind): Promise<void> {
    const entry = { appId, roomId, user, notice, at: Date.now() }
    if (this.waiting.length > 0) return this.wait(entry)
    try {
      await this.log.notice(appId, roomId, user, notice)
    } catch (err) {
      if (!retryable(err)) return this.drop(entry, 'refused by the message store', err)
      this.logger.warn(
        { err, room: roomId, user: user.id, notice },
        'unable to store a presence notice; keeping it until the message store answers',
      )
      this.wait(entry)
    }
  }

  /** Tries the waiting notices now (the message store is known to be back). */
  retryNow(): void {
    void this.flush()
  }

  close(): void {
    clearTimeout(this.timer)
    this.timer = undefined
  }

  private wait(entry: Waiting): void {
    this.counts.deferred += 1
    this.waiting.push(entry)
    if (this.waiting.length > this.maxWaiting) this.drop(this.waiting.shift()!, 'too many notices waiting')
    this.schedule()
  }

  private schedule(): void {
    if (this.timer || this.waiting.length === 0) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      void this.flush()
    }, this.retryMs)
    this.timer.unref()
  }

  private async flush(): Promise<void> {
    if (this.flushing) return
    this.flushing = true
    let stored = 0
    try {
      while (this.waiting.length > 0) {
        const entry = this.waiting[0]!
        if (Date.now() - entry.at > this.maxAgeMs) {
          this.waiting.shift()
          this.drop(entry, `waited longer than ${this.maxAgeMs} ms`)
          continue
        }
        try {
          await this.log.notice(entry.appId, entry.roomId, entry.user, entry.notice)
        } catch (err) {
          if (retryable(err)) break
          this.waiting.shift()
          this.drop(entry, 'refused by the message store', err)
          continue
        }
        this.waiting.shift()
        stored += 1
        this.counts.stored += 1
      }
    } finally {
      this.flushing = false
      if (stored > 0)
        this.logger.info(
          { stored, waiting: this.waiting.length },
          'stored presence notices that waited for the message store',
        )
      this.schedule()
    }
  }

  private drop(entry: Waiting, reason: string, err?: unknown): void {
    this.counts.dropped += 1
    this.logger.warn(
      {
        err,
        room: entry.roomId,
        user: entry.user.id,
        notice: entry.notice,
        at: new Date(entry.at).toISOString(),
      },
      `dropped a presence notice: ${reason}`,
    )
  }
}

/** Whether trying the same write again could succeed. */
function retryable(err: unknown): boolean {
  return !(err instanceof RoomfulError) || ERROR_CODES[err.code].retryable
}
