import { SharedLoads } from '../apps/shared-loads.js'
import type { EndpointRecord, EndpointStore } from './endpoint-store.js'
import type { WebhookEventType } from './webhooks.js'

/** How long a node trusts its copy of an app's endpoints when another node changed them. */
export const ENDPOINT_CACHE_MS = 5_000

/** One app's endpoints as loaded, indexed for emit (by type) and for delivery (by id). */
export interface AppEndpoints {
  loadedAt: number
  byId: Map<string, EndpointRecord>
  /** Ids of the enabled endpoints subscribed to each type; absent types have none. */
  byType: Map<WebhookEventType, string[]>
}

/**
 * Each app's endpoints, read with one statement and kept for ENDPOINT_CACHE_MS, shared by
 * emit (who subscribes?) and the delivery attempts (URL, secrets, enabled), so neither reads
 * the store per event or per attempt. A change made on this node invalidates at once; one
 * made on another node is seen within the cache time.
 */
export class EndpointCache {
  private readonly cache = new Map<string, AppEndpoints>()
  private readonly loads = new SharedLoads<string, AppEndpoints>()

  constructor(private readonly store: EndpointStore) {}

  /** The app's endpoints if loaded less than the cache time ago, else null. */
  fresh(appId: string): AppEndpoints | null {
    const cached = this.cache.get(appId)
    return cached && Date.now() - cached.loadedAt < ENDPOINT_CACHE_MS ? cached : null
  }

  /** The app's endpoints, loading them when the copy is missing or old. */
  get(appId: string): Promise<AppEndpoints> {
    const fresh = this.fresh(appId)
    return fresh ? Promise.resolve(fresh) : this.load(appId)
  }

  /** Loads now; concurrent callers share one load per app. */
  load(appId: string): Promise<AppEndpoints> {
    return this.loads.get(
      appId,
      async () => {
        const endpoints = await this.store.list(appId)
        const loaded: AppEndpoints = { loadedAt: Date.now(), byId: new Map(), byType: new Map() }
        for (const endpoint of endpoints) {
          loaded.byId.set(endpoint.id, endpoint)
          if (endpoint.enabled)
            for (const type of endpoint.events)
              loaded.byType.set(type, [...(loaded.byType.get(type) ?? []), endpoint.id])
        }
        return loaded
      },
      (loaded) => this.cache.set(appId, loaded),
    )
  }

  invalidate(appId: string): void {
    this.cache.delete(appId)
    this.loads.forget(appId)
  }

  /** Settles once the loads in flight have (for a clean shutdown). */
  idle(): Promise<void> {
    return this.loads.idle()
  }
}
