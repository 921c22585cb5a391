import type { Logger } from '../logger.js'
import type { PresenceStore } from '../presence/presence-store.js'

/**
 * Room activity for the ranking's tie-break, coalesced: each interval, one Redis write per app
 * with the latest message time of every room that had one, instead of one write per message (or
 * per room: at 200 busy rooms that was 400 writes and replies a second). Ties are broken by
 * which room was active more recently, so a timestamp up to one interval late changes nothing
 * a member would notice.
 */
export class RoomActivity {
  /** app id → room id → latest message time. */
  private pending = new Map<string, Map<string, number>>()
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly deps: { presence: Pick<PresenceStore, 'touch'>; log: Logger; intervalMs?: number },
  ) {}

  record(appId: string, roomId: string, atMs: number): void {
    let rooms = this.pending.get(appId)
    if (!rooms) this.pending.set(appId, (rooms = new Map()))
    rooms.set(roomId, Math.max(rooms.get(roomId) ?? atMs, atMs))
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.deps.intervalMs ?? 500)
      this.timer.unref()
    }
  }

  /** Writes everything recorded so far (also at shutdown). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const writing = this.pending
    this.pending = new Map()
    await Promise.all(
      [...writing].map(([appId, rooms]) =>
        this.deps.presence
          .touch(appId, rooms)
          .catch((err) => this.deps.log.warn({ err, appId }, 'unable to record room activity')),
      ),
    )
  }
}
