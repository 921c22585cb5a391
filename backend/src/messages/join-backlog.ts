import type { JoinResult, Message } from '@roomful/sdk/protocol'
import type { MessagesService } from './messages-service.js'
import type { NewestPages } from './newest-pages.js'
import type { RoomFeed } from './room-feed.js'

export interface JoinBacklogRequest {
  appId: string
  roomId: string
  /** The room's last seq as read before the feed was attached. */
  roomLastSeq: number
  /** Where the client left off, to resume from; absent for a first join. */
  sinceSeq: number | undefined
  /** Page size of a `latest` (or `too_old`) join. */
  limit: number
  /** The app's `maxReplay`: a resume that would replay more is `too_old`. */
  maxReplay: number
}

/** What a joining socket is sent, and how it then goes live. */
export interface JoinBacklog {
  messages: Message[]
  replay: JoinResult['replay']
  hasMore: boolean
  /** Seq of the newest message in `messages` (or the resume point): the feed takes over after it. */
  readUpTo: number
  /**
   * The seam: brings the feed up to `readUpTo`, runs `subscribe` (which must subscribe the
   * socket to the feed's topic and send the reply, without awaiting), then releases what the
   * feed held back. Nothing awaits in between, so the reply carries every seq up to the seam
   * and the topic every seq after it: no gap, no duplicate.
   */
  goLive(subscribe: () => void): void
}

/**
 * Reads a joining socket's backlog (protocol.md §6). The caller attaches `feed` first, so
 * nothing committed while this reads can fall into a gap; this is the last await of a join.
 * - no `sinceSeq`: the latest `limit` messages (`latest`);
 * - `sinceSeq` within `maxReplay` of the end: every message after it (`resumed`);
 * - further back, or past the room's end (the store lost data, or the client mixed rooms up:
 *   trusting it would start the feed in the future): the latest page (`too_old`).
 */
export async function readJoinBacklog(
  messages: Pick<MessagesService, 'since' | 'historyPage'>,
  feed: RoomFeed,
  request: JoinBacklogRequest,
  /** The newest pages this node keeps: a join into a room unchanged since answers from it. */
  newest: NewestPages,
): Promise<JoinBacklog> {
  const { appId, roomId, sinceSeq, maxReplay } = request
  let replay: JoinResult['replay'] = 'latest'
  let read: Message[] = []
  if (sinceSeq !== undefined && sinceSeq > request.roomLastSeq) replay = 'too_old'
  else if (sinceSeq !== undefined) {
    read = await messages.since(appId, roomId, sinceSeq, maxReplay + 1)
    replay = read.length > maxReplay ? 'too_old' : 'resumed'
  }
  if (replay !== 'resumed')
    read = (
      await newest.page(feed, request.limit, () =>
        messages.historyPage(appId, roomId, { limit: request.limit }),
      )
    ).messages
  let readUpTo = read.at(-1)?.seq ?? (replay === 'resumed' ? sinceSeq! : 0)
  // The feed may have delivered past what we read while we awaited: read the rest.
  while (feed.last !== null && feed.last > readUpTo) {
    const more = await messages.since(appId, roomId, readUpTo, feed.last - readUpTo)
    if (more.length === 0) break
    read.push(...more)
    readUpTo = more.at(-1)!.seq
  }
  const first = read[0]
  return {
    messages: read,
    replay,
    hasMore: replay === 'resumed' ? sinceSeq! > 0 : first !== undefined && first.seq > 1,
    readUpTo,
    goLive(subscribe) {
      feed.catchUp(read, readUpTo)
      subscribe()
      feed.drain()
    },
  }
}
