import {
  DEFAULT_HISTORY_PAGE,
  type ClientFrame,
  type Identity,
  type JoinResult,
  type Op,
  type ResultMap,
} from '@roomful/sdk/protocol'
import type { AttachmentsService } from '../attachments/attachments-service.js'
import type { KeyCache } from '../auth/keys.js'
import { verifyUserToken, type VerifiedIdentity } from '../auth/tokens.js'
import { channels, roomEnvelope, type Bus } from '../bus/bus.js'
import type { TopicRelay } from '../bus/topic-relay.js'
import { RoomfulError } from '../errors.js'
import type { SendLimits } from '../limits/send-limits.js'
import { readJoinBacklog } from '../messages/join-backlog.js'
import type { Actor, MessagesService } from '../messages/messages-service.js'
import type { ModerationActions } from '../moderation/moderation-actions.js'
import { SanctionedError, type SanctionChecks } from '../moderation/sanction-checks.js'
import type { PresenceWatch, RoomFeed, RoomFeeds } from '../messages/room-feed.js'
import type { PresenceService } from '../presence/presence-service.js'
import type { RankingService } from '../ranking/ranking-service.js'
import type { RoomSettingsCache } from '../rooms/room-settings-cache.js'
import { RoomsService } from '../rooms/rooms-service.js'
import type { SendPolicy } from '../rooms/send-policy.js'
import { followAppFeed, unfollowAppFeed } from './app-feeds.js'
import { createRoomModerationHandlers, type RoomModerationHandlerDeps } from './room-moderation-handlers.js'
import type { Connection } from './connection.js'
import { createModerationHandlers } from './moderation-handlers.js'
import { reauthenticate } from './reauth.js'
import { TokenBuckets } from './token-bucket.js'

export interface HandlerDeps extends RoomModerationHandlerDeps {
  nodeId: string
  keys: KeyCache
  bus: Bus
  rooms: RoomsService
  messages: MessagesService
  attachments: AttachmentsService
  presence: PresenceService
  feeds: RoomFeeds
  relay: TopicRelay
  ranking: RankingService
  /** The user's sends counted across nodes. */
  sendLimits: SendLimits
  /** Each room's settings on this node, and what they say about a send. */
  roomSettings: RoomSettingsCache
  sendPolicy: SendPolicy
  /** Bans, mutes and granted moderators, from this node's caches. */
  checks: SanctionChecks
  moderation: ModerationActions
}

type Handler<O extends Op> = (
  conn: Connection,
  frame: Extract<ClientFrame, { op: O }>,
) => Promise<ResultMap[O]>
export type Handlers = { [O in Op]: Handler<O> }

const member = (conn: Connection): Identity => {
  if (!conn.identity) throw new RoomfulError('unauthenticated')
  return conn.identity
}
const sender = (conn: Connection): Identity => {
  const identity = member(conn)
  if (identity.guest) throw new RoomfulError('guest_read_only')
  return identity
}
const profile = ({ id, name, avatar }: Identity) => ({ id, name, avatar })
/** The role comes from the verified token on every request, never from the frame. */
const actor = (identity: Identity): Actor => ({
  ...profile(identity),
  moderator: identity.moderator === true,
})
/** The page size a request asked for, capped by the app's limit. */
const pageSize = (conn: Connection, requested: number | undefined) =>
  Math.min(requested ?? DEFAULT_HISTORY_PAGE, conn.limits.maxPageSize)

/** How often idle users' send buckets are looked for. */
const SEND_BUCKET_SWEEP_MS = 60_000

export function createHandlers(deps: HandlerDeps): Handlers {
  // Sends per second are a per-user promise, so the bucket is shared by the user's sockets on
  // this node; `sendLimits` then bounds the sum over the nodes a user's sockets are spread on.
  // Idle users' buckets are dropped once refilled, so the map holds only recent senders.
  const sendBuckets = new TokenBuckets(SEND_BUCKET_SWEEP_MS)
  // Edits and deletes write to the log like sends, so they draw on the same allowance.
  const spendSend = async (conn: Connection, userId: string, what: string): Promise<void> => {
    const { sendsPerSecond, sendBurst } = conn.limits
    if (
      !sendBuckets.take(`${conn.app.id}/${userId}`, sendsPerSecond, sendBurst) ||
      !(await deps.sendLimits.allowed(conn.app.id, userId, conn.limits))
    )
      throw new RoomfulError('rate_limited', `unable to ${what}; too many messages`)
  }

  /** A banned user's socket is told the ban (what and until when) before the refusal closes it. */
  const admitted = async (conn: Connection, identity: VerifiedIdentity) => {
    try {
      return await deps.checks.admit(conn.app.id, identity)
    } catch (err) {
      if (err instanceof SanctionedError) conn.event({ type: 'sanctioned', sanction: err.sanction })
      throw err
    }
  }

  return {
    ...createModerationHandlers(deps),
    ...createRoomModerationHandlers(deps),

    async auth(conn, frame) {
      if (conn.identity) return reauthenticate(conn, frame.token, deps.keys, deps.checks)
      let identity
      if (frame.token)
        identity = await admitted(conn, await verifyUserToken(conn.app, frame.token, deps.keys))
      else if (frame.guest && conn.app.allowGuests)
        identity = { id: `guest_${conn.id}`, name: 'Guest', avatar: null, guest: true, expiresAt: Infinity }
      else
        throw new RoomfulError(
          'unauthenticated',
          'unable to authenticate; send a token (this app has no guest access)',
        )

      const max = conn.limits.maxConnectionsPerUser
      if (!(await deps.presence.connect(conn.app.id, identity.id, conn.id, max)))
        throw new RoomfulError(
          'too_many_connections',
          `unable to connect; this user already has ${max} connections`,
        )
      if (conn.closed) {
        await deps.presence.disconnect(conn.app.id, identity.id, conn.id)
        throw new RoomfulError('disconnected')
      }
      conn.identity = identity
      if (conn.authTimer) clearTimeout(conn.authTimer)
      conn.authTimer = null
      const { expiresAt: _, ...user } = identity
      return { user, connectionId: conn.id, limits: conn.limits }
    },

    async join(conn, frame) {
      const user = member(conn)
      const appId = conn.app.id
      if (conn.rooms.has(frame.room) || conn.joining.has(frame.room))
        throw new RoomfulError('bad_request', 'unable to join; this connection is already in the room')
      if (conn.rooms.size + conn.joining.size >= conn.limits.maxRoomsPerConnection)
        throw new RoomfulError('too_many_rooms')
      if (!user.guest) deps.checks.assertMayEnter(appId, user.id, frame.room)
      conn.startJoining(frame.room)
      let feed: RoomFeed | null = null
      let presenceWatch: PresenceWatch | null = null
      try {
        const record = await deps.rooms.require(appId, frame.room)
        deps.roomSettings.fill(appId, frame.room, record)
        // Subscribe to the room's stream before reading history, so nothing committed in
        // between can fall into a gap (messages/join-backlog.ts has the rest of the seam).
        feed = await deps.feeds.attach(appId, frame.room)
        const joined = feed
        if (!user.guest) await deps.presence.join(appId, frame.room, conn.id, profile(user))
        const missedPresence = joined.watchPresence()
        presenceWatch = missedPresence
        const presence = await deps.presence.snapshot(appId, frame.room)
        const backlog = await readJoinBacklog(
          deps.messages,
          joined,
          {
            appId,
            roomId: frame.room,
            roomLastSeq: record.lastSeq,
            sinceSeq: frame.sinceSeq,
            limit: pageSize(conn, frame.limit),
            maxReplay: conn.limits.maxReplay,
          },
          deps.feeds.newest,
        )
        if (conn.closed) throw new RoomfulError('disconnected')

        const { messages, replay, hasMore } = backlog
        const lastSeq = Math.max(record.lastSeq, backlog.readUpTo)
        const room = RoomsService.toRoom({ ...record, lastSeq }, presence.total)
        joined.room = room
        backlog.goLive(() => {
          conn.enterRoom(frame.room, joined)
          conn.subscribe(joined.topic)
          conn.reply(frame.id, { room, messages, replay, hasMore, presence } satisfies JoinResult)
          for (const delta of missedPresence.since()) conn.raw(delta)
        })
        return NO_REPLY
      } catch (err) {
        if (feed && !conn.rooms.has(frame.room)) {
          deps.feeds.detach(feed)
          if (!user.guest)
            await deps.presence.leave(appId, frame.room, conn.id, user.id).catch(() => undefined)
        }
        throw err
      } finally {
        presenceWatch?.stop()
        conn.endJoining(frame.room)
      }
    },

    async leave(conn, frame) {
      const user = member(conn)
      const feed = conn.rooms.get(frame.room)
      if (!feed) throw new RoomfulError('not_joined')
      leaveRoomLocally(deps, conn, frame.room, feed)
      if (!user.guest) await deps.presence.leave(conn.app.id, frame.room, conn.id, user.id)
      return {}
    },

    async send(conn, frame) {
      const user = sender(conn)
      if (!conn.rooms.has(frame.room))
        throw new RoomfulError('not_joined', 'unable to send; join the room first')
      if (frame.text.length > conn.limits.maxMessageLength)
        throw new RoomfulError(
          'message_too_long',
          `unable to send; the limit is ${conn.limits.maxMessageLength} characters`,
        )
      if (frame.text.trim() === '' && frame.attachmentId === undefined)
        throw new RoomfulError('bad_request', 'unable to send; the text is blank')
      await deps.sendPolicy.check(conn.app.id, frame.room, {
        id: user.id,
        moderator: user.moderator === true,
      })
      await spendSend(conn, user.id, 'send')
      const attachment =
        frame.attachmentId === undefined
          ? undefined
          : await deps.attachments.forMessage(conn.app.id, frame.room, user.id, frame.attachmentId)
      const message = await deps.messages.send(
        conn.app.id,
        frame.room,
        profile(user),
        frame.clientId,
        frame.text,
        attachment,
      )
      return { message }
    },

    async edit(conn, frame) {
      const user = sender(conn)
      await deps.sendPolicy.checkEdit(conn.app.id, frame.room, user.id)
      await spendSend(conn, user.id, 'change the message')
      const message = await deps.messages.edit(
        conn.app.id,
        frame.room,
        actor(user),
        frame.messageId,
        frame.text,
        conn.limits.maxMessageLength,
      )
      return { message }
    },

    async delete(conn, frame) {
      const user = sender(conn)
      await spendSend(conn, user.id, 'change the message')
      const message = await deps.messages.delete(conn.app.id, frame.room, actor(user), frame.messageId)
      return { message }
    },

    async history(conn, frame) {
      member(conn)
      const page = { before: frame.before, limit: pageSize(conn, frame.limit) }
      // A socket in the room knows the room exists (a delete takes it out of the room), and
      // for the newest page, while nothing has changed, the page kept from the last read answers.
      const feed = conn.rooms.get(frame.room)
      if (feed) {
        const read = () => deps.messages.historyPage(conn.app.id, frame.room, page)
        return frame.before === undefined ? deps.feeds.newest.page(feed, page.limit, read) : read()
      }
      // The room check and the page are independent reads: one round trip of latency, not two.
      const [, result] = await Promise.all([
        deps.rooms.require(conn.app.id, frame.room),
        deps.messages.historyPage(conn.app.id, frame.room, page),
      ])
      return result
    },

    async typing(conn, frame) {
      const user = sender(conn)
      const feed = conn.rooms.get(frame.room)
      if (!feed) throw new RoomfulError('not_joined')
      const now = Date.now()
      // Typing is a hint: too-frequent ones, and those of a muted user, are dropped quietly.
      if (
        now - conn.lastTyping(frame.room) >= conn.limits.typingIntervalMs &&
        deps.checks.maySend(conn.app.id, user.id, frame.room)
      ) {
        conn.typed(frame.room, now)
        // Typing never touches a store: it goes straight to the other nodes.
        const event = { type: 'typing', room: frame.room, user: profile(user) }
        await deps.bus.publish(channels.room(conn.app.id, frame.room), roomEnvelope.ephemeral(event))
      }
      return {}
    },

    async 'ranking.subscribe'(conn) {
      member(conn)
      await followAppFeed(deps, conn, 'ranking')
      return { board: await deps.ranking.current(conn.app.id) }
    },

    async 'ranking.unsubscribe'(conn) {
      member(conn)
      unfollowAppFeed(deps, conn, 'ranking')
      return {}
    },

    async 'rooms.subscribe'(conn) {
      member(conn)
      await followAppFeed(deps, conn, 'lobby')
      return {}
    },

    async 'rooms.unsubscribe'(conn) {
      member(conn)
      unfollowAppFeed(deps, conn, 'lobby')
      return {}
    },

    async ping() {
      return { time: new Date().toISOString() }
    },
  }
}

export function leaveRoomLocally(
  deps: Pick<HandlerDeps, 'feeds'>,
  conn: Connection,
  roomId: string,
  feed: RoomFeed,
) {
  conn.exitRoom(roomId)
  if (!conn.closed) conn.socket.unsubscribe(feed.topic)
  deps.feeds.detach(feed)
}

/** Returned by a handler that already sent its reply itself (join, to keep its seam exact). */
export const NO_REPLY = Symbol('no-reply') as never
