import { describe, expect, it } from 'vitest'
import { storedMessage as message } from '../../test/support/stored-messages.js'
import { createLogger } from '../logger.js'
import { envelope } from './frames.js'
import type { MessageStore } from './message-store.js'
import { NewestPages } from './newest-pages.js'
import { RoomFeed } from './room-feed.js'

const page = (from: number, to: number) => ({
  messages: Array.from({ length: to - from + 1 }, (_, i) => message(from + i)),
  hasMore: from > 1,
})

/** A feed that has delivered up to `last`; the store is never read in these tests. */
function feedAt(last: number) {
  const feed = new RoomFeed('a1', 'r1', {
    messages: {} as MessageStore,
    publish: () => undefined,
    log: createLogger('silent'),
    gapWaitMs: 60_000,
  })
  feed.catchUp([], last)
  return feed
}

describe('NewestPages', () => {
  it('answers from a kept page while the feed stands at its newest seq, and not once it moves', () => {
    const pages = new NewestPages()
    const feed = feedAt(60)
    pages.keep(feed, page(11, 60))
    expect(pages.answer(feed, 5)).toEqual(page(56, 60))
    expect(pages.answer(feed, 50)).toEqual(page(11, 60))
    // More than was read, and the room has more: only a read can say.
    expect(pages.answer(feed, 51)).toBeNull()
    feed.onPayload(envelope.message(message(61)))
    expect(pages.answer(feed, 5)).toBeNull()
  })

  it('answers nothing while a later message waits behind a gap', () => {
    const pages = new NewestPages()
    const feed = feedAt(60)
    pages.keep(feed, page(11, 60))
    feed.onPayload(envelope.message(message(62)))
    expect(pages.answer(feed, 5)).toBeNull()
    feed.close()
  })

  it('keeps only a page that ends where the feed stands, and does not trade a longer one for a shorter', () => {
    const pages = new NewestPages()
    const feed = feedAt(60)
    pages.keep(feed, page(11, 59))
    expect(pages.answer(feed, 5)).toBeNull()
    pages.keep(feed, page(11, 60))
    pages.keep(feed, page(60, 60))
    expect(pages.answer(feed, 50)?.messages).toHaveLength(50)
    // A room with fewer messages than asked for is answered whole.
    const small = feedAt(3)
    pages.keep(small, page(1, 3))
    expect(pages.answer(small, 50)).toEqual(page(1, 3))
  })

  it('does not keep a page of long texts: what it holds stays small whatever the message limit', () => {
    const pages = new NewestPages()
    const feed = feedAt(100)
    const long = page(1, 100)
    for (const m of long.messages) m.text = 'x'.repeat(4_000)
    pages.keep(feed, long)
    expect(pages.answer(feed, 10)).toBeNull()
    pages.keep(feed, page(1, 100))
    expect(pages.answer(feed, 10)?.messages).toHaveLength(10)
  })

  it('forgets a feed that is let go', () => {
    const pages = new NewestPages()
    const feed = feedAt(60)
    pages.keep(feed, page(11, 60))
    pages.forget(feed)
    expect(pages.answer(feed, 5)).toBeNull()
  })
})
