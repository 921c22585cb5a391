import type { Logger } from '../logger.js'
import type { PresenceStore } from '../presence/presence-store.js'

/**
 * Room activity for the ranking's tie-break, coalesced: a busy room records its latest message
 * time once per interval instead of one Redis write per message. Ties are broken by which
 * room was active more recently, so a timestamp up to one interval late changes nothing a
 * member would notice.
 */
export class RoomActivity {
  private pending = new Map<string, { appId: string; roomId: string; atMs: number }>()
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly deps: { presence: Pick<PresenceStore, 'touch'>; log: Logger; intervalMs?: number },
  ) {}

  record(appId: string, roomId: string, atMs: number): void {
    const key = `${appId}/${roomId}`
    const entry = this.pending.get(key)
    if (entry) entry.atMs = Math.max(entry.atMs, atMs)
    else this.pending.set(key, { appId, roomId, atMs })
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.deps.intervalMs ?? 500)
      this.timer.unref()
    }
  }

  /** Writes everything recorded so far (also at shutdown). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const entries = [...this.pending.values()]
    this.pending = new Map()
    await Promise.all(
      entries.map((e) =>
        this.deps.presence
          .touch(e.appId, e.roomId, e.atMs)
          .catch((err) => this.deps.log.warn({ err, room: e.roomId }, 'unable to record room activity')),
      ),
    )
  }
}
