import type { Message, Room, UserProfile } from '@roomful/sdk/protocol'
import type { RoomfulElement } from './base-element.js'
import type { ChatClient, ChatRoom, Unsubscribe } from './client.js'
import { ClientController } from './client-controller.js'

export interface PendingMessage {
  key: number
  text: string
  status: 'sending' | 'failed'
  error?: unknown
}

/** Room views implement this so the controller knows which room to join and who "I" am. */
export interface RoomHost extends RoomfulElement {
  roomId?: string
}

const TYPING_SHOWN_MS = 4000
const TYPING_SEND_EVERY_MS = 2000
const OLDER_PAGE = 30
const CHANGE_RANK = { none: 0, append: 1, own: 2, prepend: 3, reset: 4 } as const

/**
 * One joined room: the log (history, live messages and notices, deduplicated by seq),
 * presence, typing, sends in flight, and older pages on demand.
 */
export class RoomController extends ClientController {
  declare protected readonly host: RoomHost
  phase: 'idle' | 'joining' | 'joined' | 'error' = 'idle'
  error: unknown = null
  room: Room | null = null
  messages: Message[] = []
  hasMore = false
  loadingOlder = false
  people = new Map<string, UserProfile>()
  total = 0
  typing = new Map<string, { user: UserProfile; until: number }>()
  pending: PendingMessage[] = []
  /** What the last change did to the log, for the view's scroll handling; the view clears it. */
  change: 'none' | 'reset' | 'prepend' | 'append' | 'own' = 'none'

  private handle?: ChatRoom
  private joinedId?: string
  private lastTypingSent = 0
  private typingTimer?: ReturnType<typeof setInterval>
  private pendingKey = 0
  private generation = 0

  constructor(host: RoomHost) {
    super(host)
  }

  /** Call when the host's `roomId` may have changed. */
  roomChanged(): void {
    if (this.host.roomId !== this.joinedId && this.client) this.restart()
  }

  protected subscribe(client: ChatClient): Unsubscribe[] {
    const roomId = this.host.roomId
    this.joinedId = roomId
    if (!roomId) return []
    const generation = this.generation
    const room = client.room(roomId)
    this.handle = room
    const undo: Unsubscribe[] = [
      // Notices come as `message` too, in seq order with the rest of the log.
      room.on('message', (m) => this.upsert([m])),
      // `sync` snapshots arrive on join and after every reconnect; deltas in between.
      room.on('presence', ({ user, total, members }) => {
        this.people = new Map(members.map((u) => [u.id, u]))
        if (user) this.typing.delete(user.id)
        this.total = total
        this.host.requestUpdate()
      }),
      room.on('typing', ({ user }) => {
        this.typing.set(user.id, { user, until: Date.now() + TYPING_SHOWN_MS })
        this.host.requestUpdate()
      }),
      // The gap after a long outage was too big to refill: start the log afresh from what
      // comes next; older messages load on scroll as usual.
      room.on('reset', () => {
        this.messages = []
        this.hasMore = true
        this.change = 'reset'
        this.host.requestUpdate()
      }),
      () => void room.leave().catch(() => {}),
    ]
    this.typingTimer = setInterval(() => this.expireTyping(), 1000)
    undo.push(() => clearInterval(this.typingTimer))
    void this.join(generation)
    return undo
  }

  protected override reset(): void {
    this.generation++
    this.handle = undefined
    this.phase = 'idle'
    this.error = null
    this.room = null
    this.messages = []
    this.hasMore = false
    this.loadingOlder = false
    this.people = new Map()
    this.total = 0
    this.typing = new Map()
    this.pending = []
    this.change = 'reset'
  }

  /** Joins (again, e.g. after an error). */
  async join(generation = this.generation): Promise<void> {
    const room = this.handle
    if (!room) return
    this.phase = 'joining'
    this.host.requestUpdate()
    try {
      const joined = await room.join()
      if (generation !== this.generation) return
      this.room = joined.room
      this.people = new Map(joined.presence.users.map((u) => [u.id, u]))
      this.total = joined.presence.total
      this.hasMore = joined.hasMore
      this.upsert(joined.messages, 'reset')
      this.phase = 'joined'
      this.error = null
      this.host.emit('roomful-join', { room: joined.room })
    } catch (err) {
      if (generation !== this.generation) return
      this.phase = 'error'
      this.error = err
    }
    this.host.requestUpdate()
  }

  /** Adds messages to the log in seq order, ignoring any already there. */
  upsert(incoming: Message[], change: RoomController['change'] = 'append'): void {
    if (incoming.length === 0) {
      if (change === 'reset') this.change = 'reset'
      return
    }
    const bySeq = new Map(this.messages.map((m) => [m.seq, m]))
    let added = false
    let own = false
    for (const m of incoming) {
      if (m.roomId !== this.joinedId && m.roomId) continue
      if (!bySeq.has(m.seq)) added = true
      bySeq.set(m.seq, m)
      if (m.kind !== 'notice' && m.user.id === this.client?.user?.id) {
        own = true
        const i = this.pending.findIndex((p) => p.status === 'sending' && p.text === m.text)
        if (i >= 0) this.pending = this.pending.filter((_, j) => j !== i)
      }
      if (m.kind !== 'notice') this.typing.delete(m.user.id)
    }
    if (!added && change !== 'reset') return
    this.messages = [...bySeq.values()].sort((a, b) => a.seq - b.seq)
    const next = change === 'append' && own ? 'own' : change
    if (CHANGE_RANK[next] > CHANGE_RANK[this.change]) this.change = next
    this.host.requestUpdate()
  }

  async loadOlder(): Promise<void> {
    const room = this.handle
    const oldest = this.messages[0]
    if (!room || !this.hasMore || this.loadingOlder || this.phase !== 'joined') return
    const generation = this.generation
    this.loadingOlder = true
    this.host.requestUpdate()
    try {
      const page = await room.history({ ...(oldest && { before: oldest.seq }), limit: OLDER_PAGE })
      if (generation !== this.generation) return
      this.hasMore = page.hasMore
      this.upsert(page.messages, 'prepend')
    } catch {
      // leave hasMore as is: scrolling up again retries
    } finally {
      if (generation === this.generation) {
        this.loadingOlder = false
        this.host.requestUpdate()
      }
    }
  }

  /** Sends `text`, showing it as pending until the server stores it. */
  async send(text: string, retry?: PendingMessage): Promise<void> {
    const room = this.handle
    if (!room) return
    const entry: PendingMessage = retry ?? { key: ++this.pendingKey, text, status: 'sending' }
    entry.status = 'sending'
    if (!retry) this.pending = [...this.pending, entry]
    else this.pending = [...this.pending]
    this.change = 'own'
    this.host.requestUpdate()
    try {
      const message = await room.send({ text })
      this.pending = this.pending.filter((p) => p !== entry)
      this.upsert([message])
      this.change = 'own'
      this.host.emit('roomful-message-sent', { message })
    } catch (err) {
      entry.status = 'failed'
      entry.error = err
      this.pending = [...this.pending]
      throw err
    } finally {
      this.host.requestUpdate()
    }
  }

  /** Uploads and sends an image; the message shows once stored (progress is the caller's). */
  async sendImage(file: Blob, onProgress: (p: { loaded: number; total: number }) => void): Promise<void> {
    const room = this.handle
    if (!room) return
    const message = await room.sendImage(file, { onProgress })
    this.upsert([message])
    this.change = 'own'
    this.host.emit('roomful-message-sent', { message })
    this.host.requestUpdate()
  }

  discard(entry: PendingMessage): void {
    this.pending = this.pending.filter((p) => p !== entry)
    this.host.requestUpdate()
  }

  /** Tells others we are typing, at most once per interval. */
  typed(): void {
    const now = Date.now()
    if (!this.handle || now - this.lastTypingSent < TYPING_SEND_EVERY_MS) return
    this.lastTypingSent = now
    try {
      this.handle.typing()
    } catch {
      // typing is best effort
    }
  }

  /** People typing now, excluding me. */
  get typists(): UserProfile[] {
    const now = Date.now()
    return [...this.typing.values()].filter((t) => t.until > now).map((t) => t.user)
  }

  private expireTyping(): void {
    const now = Date.now()
    let changed = false
    for (const [id, t] of this.typing) {
      if (t.until <= now) {
        this.typing.delete(id)
        changed = true
      }
    }
    if (changed) this.host.requestUpdate()
  }
}
