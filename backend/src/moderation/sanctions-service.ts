import type { Sanction, SanctionKind } from '@roomful/sdk/protocol'
import { SharedLoads } from '../apps/shared-loads.js'
import { channels, type Bus } from '../bus/bus.js'
import { onceInAWhile, type Logger } from '../logger.js'
import { webhookEvent } from '../webhooks/webhook-payloads.js'
import type { Webhooks } from '../webhooks/webhooks.js'
import {
  isActive,
  type SanctionFilter,
  type SanctionKey,
  type SanctionRecord,
  type SanctionStore,
} from './sanction-store.js'
import { AppSanctions, fromSanction, keyOf, sameSanction, scopeKey, toSanction } from './sanction-view.js'

/** What a moderator or the admin key asks for. */
export interface SanctionInput {
  kind: SanctionKind
  userId: string
  roomId: string | null
  /** Omitted: until lifted. */
  durationSeconds?: number
  reason?: string | null
}

/** A sanction that began or ended to apply, as every node learns it. */
export type SanctionChange =
  | { action: 'imposed'; appId: string; sanction: Sanction }
  | { action: 'lifted'; appId: string; sanction: Pick<Sanction, 'kind' | 'userId' | 'roomId'> }

/** How often every cached app is read again, so a missed bus message heals. */
export const SANCTION_REFRESH_MS = 10_000

type BusMessage =
  | { action: 'imposed'; appId: string; sanction: Sanction }
  | { action: 'lifted'; appId: string; sanction: Pick<Sanction, 'kind' | 'userId' | 'roomId'> }

/**
 * Bans and mutes, with a per-node cache of every sanction in force in the apps this node serves,
 * so checks on the send path are a Map lookup and no SQL. Loaded per app on its first use
 * (a socket's auth), kept current through the bus (every node applies every change within a
 * publish), and read again every 10 s and after a bus reconnect, which heals a lost message.
 * Listeners (the gateway's enforcement) hear each sanction that begins or ends to apply.
 */
export class SanctionsService {
  private readonly cache = new Map<string, AppSanctions>()
  private readonly loads = new SharedLoads<string, AppSanctions>()
  /** Bumped on every change applied to an app, so a read that raced one is not trusted. */
  private readonly versions = new Map<string, number>()
  private readonly listeners = new Set<(change: SanctionChange) => void>()
  /** Apps whose load failed while sockets of theirs were let in: applied to them once it works. */
  private readonly missed = new Set<string>()
  private timer: NodeJS.Timeout | undefined
  private unsubscribe: (() => Promise<void>) | undefined
  private readonly loadFailed = onceInAWhile((err, repeats) =>
    this.deps.log.warn(
      { err, repeats },
      'unable to read the sanctions of an app; letting its users in meanwhile',
    ),
  )

  constructor(
    private readonly deps: {
      store: SanctionStore
      bus: Bus
      webhooks?: Pick<Webhooks, 'emit'>
      log: Logger
      refreshMs?: number
    },
  ) {}

  /** Follows other nodes' changes; call before serving. */
  async start(): Promise<void> {
    this.unsubscribe = await this.deps.bus.subscribe(channels.sanctions(), (payload) => this.heard(payload))
    this.deps.bus.onReconnect(() => void this.resync())
    this.timer = setInterval(() => void this.resync(), this.deps.refreshMs ?? SANCTION_REFRESH_MS)
    this.timer.unref()
  }

  async stop(): Promise<void> {
    clearInterval(this.timer)
    await this.unsubscribe?.().catch(() => undefined)
  }

  onChange(listener: (change: SanctionChange) => void): () => void {
    this.listeners.add(listener)
    return () => void this.listeners.delete(listener)
  }

  /** Reads the app's sanctions into this node's cache unless they are there already. */
  async load(appId: string): Promise<void> {
    if (this.cache.has(appId)) return
    await this.loads.get(
      appId,
      () => this.read(appId),
      (sanctions) => {
        this.cache.set(appId, sanctions)
        if (!this.missed.delete(appId)) return
        // Sockets let in while the store was away may belong to sanctioned users.
        for (const sanction of sanctions.values())
          this.notify({ action: 'imposed', appId, sanction: toSanction(sanction) })
      },
    )
  }

  /**
   * `load`, but a store that cannot answer lets the caller through (logged): a node that never
   * read the app's sanctions cannot refuse by them, and refusing every user of the app while
   * MySQL is away would be worse. The next use reads again, and applies what it then finds to
   * the sockets let in meanwhile.
   */
  async loadOrSkip(appId: string): Promise<void> {
    try {
      await this.load(appId)
    } catch (err) {
      this.missed.add(appId)
      this.loadFailed(err)
    }
  }

  /**
   * The sanction of `kind` on the user that applies in `roomId` (app-wide first), or in the
   * app when `roomId` is null; null when none is in force. From the cache: `load` first.
   */
  inForce(appId: string, userId: string, roomId: string | null, kind: SanctionKind): SanctionRecord | null {
    // The send path: for a user with no sanction, one lookup.
    const sanctions = this.cache.get(appId)
    if (!sanctions?.concerns(userId)) return null
    const now = Date.now()
    const appWide = sanctions.get(scopeKey(kind, userId, null))
    if (appWide && (appWide.expiresAt === null || appWide.expiresAt.getTime() > now)) return appWide
    if (roomId === null) return null
    const inRoom = sanctions.get(scopeKey(kind, userId, roomId))
    return inRoom && (inRoom.expiresAt === null || inRoom.expiresAt.getTime() > now) ? inRoom : null
  }

  /** Stores a ban or mute, applies it on every node, and tells the app's webhooks of a ban. */
  async impose(appId: string, input: SanctionInput, createdBy: string): Promise<Sanction> {
    const createdAt = new Date()
    const record: SanctionRecord = {
      appId,
      kind: input.kind,
      userId: input.userId,
      roomId: input.roomId,
      reason: input.reason ?? null,
      createdBy,
      createdAt,
      expiresAt: input.durationSeconds ? new Date(createdAt.getTime() + input.durationSeconds * 1000) : null,
    }
    await this.deps.store.upsert(record)
    const sanction = toSanction(record)
    // Applied here at once (a bus outage must not spare this node's sockets), then everywhere.
    this.apply({ action: 'imposed', appId, sanction })
    this.publish({ action: 'imposed', appId, sanction })
    if (record.kind === 'ban') {
      const { kind: _, ...ban } = sanction
      this.deps.webhooks?.emit(webhookEvent('user.banned', appId, { appId, ban }, createdAt))
    }
    return sanction
  }

  /** Lifts the sanction of that kind and scope; whether one was in force. */
  async lift(key: SanctionKey): Promise<boolean> {
    const lifted = await this.deps.store.lift(key)
    const sanction = { kind: key.kind, userId: key.userId, roomId: key.roomId }
    this.apply({ action: 'lifted', appId: key.appId, sanction })
    this.publish({ action: 'lifted', appId: key.appId, sanction })
    return lifted !== null
  }

  /** The app's sanctions in force, newest first, read from the store. */
  async list(appId: string, filter: SanctionFilter = {}): Promise<Sanction[]> {
    return (await this.deps.store.listActive(appId, filter)).map(toSanction)
  }

  private publish(message: BusMessage): void {
    this.deps.bus
      .publish(channels.sanctions(), JSON.stringify(message))
      .catch((err: unknown) =>
        this.deps.log.warn(
          { err, appId: message.appId },
          'unable to publish a sanction; other nodes re-read within 10 s',
        ),
      )
  }

  private heard(payload: string): void {
    let message: BusMessage
    try {
      message = JSON.parse(payload) as BusMessage
    } catch {
      return
    }
    this.apply(message)
  }

  /** Brings the cache in line with `change` and tells the listeners, unless it is known already
   * (this node's own publish coming back, or a change the refresh found first). */
  private apply(change: SanctionChange): void {
    const { appId } = change
    this.versions.set(appId, (this.versions.get(appId) ?? 0) + 1)
    const sanctions = this.cache.get(appId)
    const key = keyOf({ appId, ...change.sanction })
    if (change.action === 'imposed') {
      const record = fromSanction(appId, change.sanction)
      const known = sanctions?.get(key)
      if (known && sameSanction(known, record)) return
      sanctions?.set(key, record)
    } else if (sanctions) {
      if (!sanctions.delete(key)) return
    }
    this.notify(change)
  }

  private notify(change: SanctionChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change)
      } catch (err) {
        this.deps.log.error({ err, appId: change.appId }, 'a sanction listener failed')
      }
    }
  }

  /** Reads the app's sanctions until no change raced the read, and stores them as its cache. */
  private async read(appId: string): Promise<AppSanctions> {
    for (;;) {
      const before = this.versions.get(appId) ?? 0
      const rows = await this.deps.store.listActive(appId)
      if ((this.versions.get(appId) ?? 0) !== before) continue
      const sanctions = new AppSanctions()
      for (const row of rows) sanctions.set(keyOf(row), row)
      return sanctions
    }
  }

  /** Re-reads every cached app and applies what differs (the 10 s timer and bus reconnects). */
  async resync(): Promise<void> {
    for (const appId of [...this.cache.keys()]) {
      try {
        await this.refresh(appId)
      } catch (err) {
        this.deps.log.warn({ err, appId }, 'unable to re-read the sanctions; keeping the cached ones')
      }
    }
  }

  /** Re-reads one app and applies what differs, as the bus would have. */
  private async refresh(appId: string): Promise<void> {
    const before = this.versions.get(appId) ?? 0
    const fresh = await this.read(appId)
    const cached = this.cache.get(appId)
    if (!cached || (this.versions.get(appId) ?? 0) !== before) return
    const now = new Date()
    for (const [key, record] of fresh) {
      const known = cached.get(key)
      if (!known || !sameSanction(known, record))
        this.apply({ action: 'imposed', appId, sanction: toSanction(record) })
    }
    for (const [key, record] of cached) {
      if (fresh.has(key)) continue
      const { kind, userId, roomId } = record
      if (isActive(record, now)) this.apply({ action: 'lifted', appId, sanction: { kind, userId, roomId } })
      else cached.delete(key)
    }
  }
}
