import type { Message, Sanction, UserProfile } from '@roomful/sdk/protocol'
import type { PendingSend } from '@roomful/sdk'
import type { RoomfulElement } from './base-element.js'
import type { ChatClient, ChatRoom, Unsubscribe } from './client.js'
import { ClientController } from './client-controller.js'
import type { LogChange } from './scroll-anchor.js'

/** Room views implement this so the controller knows which room to join. */
export interface RoomHost extends RoomfulElement {
  roomId?: string
}

const TYPING_SHOWN_MS = 4000
const OLDER_PAGE = 30
const NONE: readonly never[] = []

/**
 * Brings one SDK room into an element: joins it while the element is connected and leaves it
 * when it is not. The SDK owns the room's state (its ordered log, sends in flight, presence,
 * status); this only adds what is the view's own: how long "is typing" stays on screen, whether
 * an older page is loading, and what each change does to the log's scroll position.
 */
export class RoomController extends ClientController {
  declare protected readonly host: RoomHost
  /** The SDK room while the element shows one. */
  room?: ChatRoom
  /** Why the room failed, for the view. */
  error: unknown = null
  loadingOlder = false
  /** A ban or mute of this user in this room only, since the server said so. */
  sanction: Sanction | null = null
  private typing = new Map<string, { user: UserProfile; until: number }>()
  private shownPending = 0

  constructor(
    host: RoomHost,
    private readonly changed: (change: LogChange) => void,
  ) {
    super(host)
  }

  /** `joined` from the first join reply on (sends wait while the connection is down), else the room's own. */
  get phase(): 'joining' | 'joined' | 'error' {
    const status = this.room?.status
    return status === 'failed'
      ? 'error'
      : status === 'joined' || status === 'suspended'
        ? 'joined'
        : 'joining'
  }

  get messages(): readonly Message[] {
    return this.room?.messages ?? NONE
  }

  get pending(): readonly PendingSend[] {
    return this.room?.pending ?? NONE
  }

  /** People typing now, excluding me. */
  get typists(): UserProfile[] {
    const now = Date.now()
    return [...this.typing.values()].filter((t) => t.until > now).map((t) => t.user)
  }

  /** Call when the host's `roomId` may have changed. */
  roomChanged(): void {
    if (this.host.roomId !== this.room?.id && this.client) this.restart()
  }

  protected subscribe(client: ChatClient): Unsubscribe[] {
    const id = this.host.roomId
    if (!id) return []
    const room = (this.room = client.room(id))
    const update = (change?: LogChange) => {
      if (change) this.changed(change)
      this.host.requestUpdate()
    }
    const timer = setInterval(() => this.expireTyping(), 1000)
    void room.join().then(
      (joined) => {
        if (this.room !== room) return
        update('reset')
        this.host.emit('roomful-join', { room: joined.room })
      },
      () => {}, // the room's status says it failed, and why
    )
    return [
      room.on('status', ({ current, reason }) => {
        if (current === 'failed') this.error = reason.error
        update()
      }),
      // Notices come as `message` too, in seq order with the rest of the log.
      room.on('message', (m) => {
        this.typing.delete(m.user.id)
        update(m.kind !== 'notice' && m.user.id === client.user?.id ? 'own' : 'append')
      }),
      // An edit or delete: `messages` already holds the new state (a tombstone for a delete).
      room.on('change', () => update()),
      // A moderator changed slow mode, read-only or archive: `room.info` has the new settings.
      room.on('settings', () => update()),
      room.on('sanctioned', (s) => {
        this.sanction = s
        update()
      }),
      // App-wide: the client keeps it (`client.sanction`).
      client.on('sanctioned', () => update()),
      room.on('pending', (pending) => {
        // A new send of mine shows at the bottom of the log: bring it into view.
        update(pending.length > this.shownPending ? 'own' : undefined)
        this.shownPending = pending.length
      }),
      room.on('presence', ({ user }) => {
        if (user) this.typing.delete(user.id)
        update()
      }),
      room.on('typing', ({ user }) => {
        this.typing.set(user.id, { user, until: Date.now() + TYPING_SHOWN_MS })
        update()
      }),
      // The gap after a long outage was too big to refill: the log starts afresh from what
      // comes next; older messages load on scroll as usual.
      room.on('reset', () => update('reset')),
      () => clearInterval(timer),
      () => void room.leave().catch(() => {}),
    ]
  }

  protected override reset(): void {
    this.room = undefined
    this.error = null
    this.sanction = null
    this.loadingOlder = false
    this.typing = new Map()
    this.shownPending = 0
    this.changed('reset')
  }

  async loadOlder(): Promise<void> {
    const room = this.room
    if (!room || !room.hasMore || this.loadingOlder || this.phase !== 'joined') return
    this.loadingOlder = true
    this.host.requestUpdate()
    try {
      // The SDK adds the page to the front of `room.messages`.
      await room.history({ ...(room.messages[0] && { before: room.messages[0].seq }), limit: OLDER_PAGE })
      this.changed('prepend')
    } catch {
      // hasMore stays as it is: scrolling up again retries
    } finally {
      if (this.room === room) {
        this.loadingOlder = false
        this.host.requestUpdate()
      }
    }
  }

  /** Sends a failed message's text again (as a new send) in its place. */
  async retry(p: PendingSend): Promise<void> {
    const room = this.room
    if (!room) return
    room.discard(p.clientId)
    const message = await room.send({ text: p.text })
    this.host.emit('roomful-message-sent', { message })
  }

  discard(p: PendingSend): void {
    this.room?.discard(p.clientId)
  }

  private expireTyping(): void {
    const now = Date.now()
    let changed = false
    for (const [id, t] of this.typing)
      if (t.until <= now) {
        this.typing.delete(id)
        changed = true
      }
    if (changed) this.host.requestUpdate()
  }
}
