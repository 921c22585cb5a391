import type { HistoryResult } from '@roomful/sdk/protocol'
import { LruCache } from '../apps/lru-cache.js'
import type { RoomFeed } from './room-feed.js'

/** Rooms whose newest page one node keeps. */
const MAX_PAGES = 1_000
/** A page holding more text than this is not kept (its members are served by reads), so the
 * pages one node keeps stay within a few tens of MB however long the app lets messages be:
 * a typical page of 50 short messages holds a few thousand characters. */
const MAX_PAGE_CHARS = 16 * 1024
/** A kept page is read again after this long, changed or not. */
const KEEP_MS = 60_000

/**
 * The newest history page of rooms with members on this node, so that members entering a room
 * or asking for its latest messages are answered without a read while nothing has changed.
 *
 * A page answers while its feed has delivered exactly up to the page's newest seq, with nothing
 * waiting behind a gap: every message, edit and delete takes the room's next seq and reaches
 * the feed, so an unchanged last seq means an unchanged page. Only members are answered (a
 * socket in the room, asking without `before`, or joining): anything committed that has not
 * reached this node yet comes to them through the feed, as it would after a read.
 */
export class NewestPages {
  private readonly pages = new LruCache<RoomFeed, HistoryResult>(MAX_PAGES)

  /** The newest `limit` messages of the feed's room: from the kept page when it can say, else
   * from `read()`, whose page is then kept for the next member who asks. */
  async page(feed: RoomFeed, limit: number, read: () => Promise<HistoryResult>): Promise<HistoryResult> {
    const kept = this.answer(feed, limit)
    if (kept) return kept
    const page = await read()
    this.keep(feed, page)
    return page
  }

  /** The newest `limit` messages of the feed's room, or null when the kept page cannot say. */
  answer(feed: RoomFeed, limit: number): HistoryResult | null {
    const page = this.current(feed)
    if (!page || (page.messages.length < limit && page.hasMore)) return null
    const messages = page.messages.slice(-limit)
    return { messages, hasMore: (messages[0]?.seq ?? 1) > 1 }
  }

  /** Keeps a newest page just read from the store, if it ends where the feed stands (and holds
   * at least as much as a page already kept). */
  keep(feed: RoomFeed, page: HistoryResult): void {
    const newest = page.messages.at(-1)?.seq
    if (newest === undefined || newest !== feed.settledAt) return
    if (page.messages.reduce((chars, m) => chars + m.text.length, 0) > MAX_PAGE_CHARS) return
    const kept = this.current(feed)
    if (kept && kept.messages.length >= page.messages.length) return
    // Its own copy: the caller may go on adding to the array it was given.
    this.pages.set(feed, { ...page, messages: [...page.messages] }, KEEP_MS)
  }

  forget(feed: RoomFeed): void {
    this.pages.delete(feed)
  }

  private current(feed: RoomFeed): HistoryResult | null {
    const page = this.pages.get(feed)
    const at = feed.settledAt
    return page && at !== null && page.messages.at(-1)?.seq === at ? page : null
  }
}
