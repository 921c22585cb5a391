import type { ReactiveController, ReactiveControllerHost } from 'lit'

/** What a render does to a log: replaces it, adds older entries on top, or newer ones below. */
export type LogChange = 'reset' | 'prepend' | 'append' | 'own'

// When several changes land in one render, the one that decides the scroll position wins.
const RANK = { none: 0, append: 1, own: 2, prepend: 3, reset: 4 } as const
const NEAR_EDGE_PX = 80

/**
 * Keeps a scrolling log where the reader expects it across renders: at the bottom for a new
 * log and your own messages, at the same message when older ones are added on top, and at the
 * bottom for others' messages only if the reader was there (else `unseen` offers to jump).
 * Near the top, and whenever the log is too short to scroll, it asks for older entries.
 */
export class ScrollAnchor implements ReactiveController {
  /** Newer messages arrived below while the reader was scrolled up. */
  unseen = false
  private change: LogChange | 'none' = 'none'
  private snapshot = { top: 0, height: 0, atBottom: true }

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly log: () => HTMLElement | null | undefined,
    private readonly wantOlder: () => void,
  ) {
    host.addController(this)
  }

  /** Tell the anchor what the next render does to the log. */
  note(change: LogChange): void {
    if (RANK[change] > RANK[this.change]) this.change = change
  }

  hostUpdate(): void {
    const log = this.log()
    if (log)
      this.snapshot = {
        top: log.scrollTop,
        height: log.scrollHeight,
        atBottom: log.scrollHeight - log.scrollTop - log.clientHeight < NEAR_EDGE_PX,
      }
  }

  hostUpdated(): void {
    const log = this.log()
    if (!log) return
    const change = this.change
    this.change = 'none'
    if (change === 'reset' || change === 'own') this.toBottom()
    else if (change === 'prepend')
      log.scrollTop = this.snapshot.top + (log.scrollHeight - this.snapshot.height)
    else if (change === 'append') {
      if (this.snapshot.atBottom) this.toBottom()
      else this.setUnseen(true)
    }
    // A short first page leaves nothing to scroll: fetch more until the log can scroll.
    if (log.scrollHeight <= log.clientHeight + 4) this.wantOlder()
  }

  toBottom(): void {
    const log = this.log()
    if (log) log.scrollTop = log.scrollHeight
    this.setUnseen(false)
  }

  /** Bind to the log's `scroll` event. */
  onScroll = (): void => {
    const log = this.log()
    if (!log) return
    if (log.scrollTop < NEAR_EDGE_PX) this.wantOlder()
    if (this.unseen && log.scrollHeight - log.scrollTop - log.clientHeight < NEAR_EDGE_PX)
      this.setUnseen(false)
  }

  private setUnseen(unseen: boolean): void {
    if (unseen === this.unseen) return
    this.unseen = unseen
    this.host.requestUpdate()
  }
}
