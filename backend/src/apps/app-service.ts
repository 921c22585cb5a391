import { randomBytes } from 'node:crypto'
import { DEFAULT_LIMITS, idSchema, type Limits } from '@roomful/sdk/protocol'
import { RoomfulError } from '../errors.js'
import type { AppRecord, AppStore } from './app-store.js'
import { LruCache } from './lru-cache.js'
import { SharedLoads } from './shared-loads.js'

const CACHE_MS = 5_000
/** Unknown ids are cached too (a flood of them must not reach the database one by one), but
 * briefly, so an app created on another node is found soon. */
const MISSING_CACHE_MS = 1_000
/** Far above the apps one node serves at once; ids anyone may invent must not grow memory. */
const CACHE_ENTRIES = 2_000
/** How long a read app still answers a decision that cannot wait for the store (`lastRead`). */
const LAST_READ_MS = 10 * 60_000

export interface ResolvedApp extends AppRecord {
  /** Defaults with this app's overrides applied. */
  effectiveLimits: Limits
}

/**
 * Looks apps up for every request. A short, bounded cache keeps the hot path off the database;
 * a disabled app or a changed origin list takes effect within CACHE_MS on every node.
 */
export class AppService {
  private readonly cache = new LruCache<string, ResolvedApp | null>(CACHE_ENTRIES)
  /** Found apps as last read, kept past their expiry in `cache` (see `lastRead`). Apart from
   * `cache` on purpose: only real apps enter here, so a flood of invented ids, which fills
   * `cache` with unknowns, cannot push them out. */
  private readonly lastReads = new LruCache<string, ResolvedApp>(CACHE_ENTRIES)
  /** A burst of requests for an app whose copy has just expired (every socket of a busy page
   * reconnecting at once) waits for one read, not one each. */
  private readonly reads = new SharedLoads<string, ResolvedApp | null>()

  constructor(private readonly store: AppStore) {}

  async find(appId: string): Promise<ResolvedApp | null> {
    // An id outside the documented alphabet and length names no app, so it never reaches the
    // store (nor the cache): MariaDB would refuse a non-ASCII one with a collation error, and
    // any anonymous client could then produce error logs and retryable failures at will.
    if (!idSchema.parse(appId).ok) return null
    const hit = this.cache.get(appId)
    if (hit !== undefined) return hit
    return this.reads.get(
      appId,
      async () => {
        const record = await this.store.get(appId)
        return record && { ...record, effectiveLimits: { ...DEFAULT_LIMITS, ...record.limits } }
      },
      (app) => {
        this.cache.set(appId, app, app ? CACHE_MS : MISSING_CACHE_MS)
        if (app) this.lastReads.set(appId, app, LAST_READ_MS)
        else this.lastReads.delete(appId)
      },
    )
  }

  /**
   * The app as this node last read it in the last ten minutes, without waiting for the store:
   * for a decision that must be made at once (the origin check of a WebSocket upgrade). A copy
   * past its usual expiry is read again behind the answer, so the next decision has it fresh.
   * Undefined when this node has not read the app in that time, or it was not found.
   */
  lastRead(appId: string): ResolvedApp | undefined {
    const fresh = this.cache.get(appId)
    if (fresh !== undefined) return fresh ?? undefined
    const kept = this.lastReads.get(appId)
    if (kept) void this.find(appId).catch(() => undefined)
    return kept
  }

  /** Drops the cached copy, so a change made on this node takes effect at once. */
  invalidate(appId: string): void {
    this.reads.forget(appId)
    this.cache.delete(appId)
    this.lastReads.delete(appId)
  }

  /** The app, or a RoomfulError saying why it cannot be used. */
  async require(appId: string): Promise<ResolvedApp> {
    const app = await this.find(appId)
    if (!app)
      throw new RoomfulError(
        'app_not_found',
        // Only an id that could exist is echoed: it is short and ASCII, so it fits a close reason.
        idSchema.parse(appId).ok
          ? `unable to find app "${appId}"`
          : 'unable to find app; an app id is 1..64 characters of A-Z a-z 0-9 _ -',
      )
    if (app.disabled) throw new RoomfulError('app_disabled')
    return app
  }

  /** Browsers always send Origin; servers and bots send none and are judged by their token. */
  static originAllowed(app: AppRecord, origin: string | undefined): boolean {
    return !origin || app.allowedOrigins.includes(origin) || app.allowedOrigins.includes('*')
  }

  /** Creates the app named by `input` unless it exists, with fresh keys. */
  async ensure(input: {
    id: string
    name: string
    allowedOrigins: string[]
    secret?: string
    limits?: Partial<Limits>
  }): Promise<AppRecord> {
    return this.store.ensure({
      id: input.id,
      name: input.name,
      secret: input.secret ?? randomBytes(32).toString('base64url'),
      sessionKey: randomBytes(32).toString('base64url'),
      allowedOrigins: input.allowedOrigins,
      limits: input.limits ?? {},
      allowGuests: false,
      disabled: false,
    })
  }
}
