import { channels } from '../bus/bus.js'
import type { TopicRelay } from '../bus/topic-relay.js'
import { rankingTopic, type RankingService } from '../ranking/ranking-service.js'
import { lobbyTopic } from '../rooms/rooms-service.js'
import type { AppFeed, Connection } from './connection.js'

const FEEDS = {
  ranking: { channel: channels.ranking, topic: rankingTopic },
  lobby: { channel: channels.lobby, topic: lobbyTopic },
} satisfies Record<AppFeed, { channel: (appId: string) => string; topic: (appId: string) => string }>

export interface AppFeedDeps {
  relay: TopicRelay
  ranking: RankingService
}

export async function followAppFeed(deps: AppFeedDeps, conn: Connection, feed: AppFeed): Promise<void> {
  if (conn.appFeeds.has(feed)) return
  const appId = conn.app.id
  // The node remembers the boards it hears so later subscribers get one without a query.
  const observe = feed === 'ranking' ? (payload: string) => deps.ranking.remember(appId, payload) : undefined
  await deps.relay.attach(FEEDS[feed].channel(appId), FEEDS[feed].topic(appId), observe)
  conn.follow(feed)
  conn.subscribe(FEEDS[feed].topic(appId))
}

export function unfollowAppFeed(deps: AppFeedDeps, conn: Connection, feed: AppFeed): void {
  if (!conn.unfollow(feed)) return
  const appId = conn.app.id
  if (!conn.closed) conn.socket.unsubscribe(FEEDS[feed].topic(appId))
  const last = deps.relay.detach(FEEDS[feed].channel(appId))
  // With no local subscriber the node stops hearing boards, so its copy would go stale.
  if (last && feed === 'ranking') deps.ranking.forget(appId)
}
