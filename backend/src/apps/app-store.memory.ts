import type { AppPatch, AppRecord, AppStore, NewApp } from './app-store.js'

/** Apps kept in process memory: the embedded mode's tenant table. */
export class MemoryAppStore implements AppStore {
  private readonly apps = new Map<string, AppRecord>()

  async get(appId: string): Promise<AppRecord | null> {
    const app = this.apps.get(appId)
    return app ? clone(app) : null
  }

  async ensure(app: NewApp): Promise<AppRecord> {
    const existing = this.apps.get(app.id)
    if (existing) return clone(existing)
    const record = clone({
      previousSecret: null,
      previousSecretExpiresAt: null,
      publicKeys: [],
      jwksUrl: null,
      ...app,
      createdAt: new Date(),
    })
    this.apps.set(app.id, record)
    return clone(record)
  }

  async list(): Promise<AppRecord[]> {
    return [...this.apps.values()].sort((a, b) => (a.id < b.id ? -1 : 1)).map(clone)
  }

  async update(appId: string, patch: AppPatch): Promise<AppRecord | null> {
    const existing = this.apps.get(appId)
    if (!existing) return null
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined))
    const record = clone({ ...existing, ...defined })
    this.apps.set(appId, record)
    return clone(record)
  }

  async delete(appId: string): Promise<boolean> {
    return this.apps.delete(appId)
  }
}

// Callers get copies, as they would from a database: mutating one must not edit the store.
function clone(app: AppRecord): AppRecord {
  return {
    ...app,
    allowedOrigins: [...app.allowedOrigins],
    limits: { ...app.limits },
    publicKeys: app.publicKeys.map((k) => ({ ...k })),
    previousSecretExpiresAt: app.previousSecretExpiresAt && new Date(app.previousSecretExpiresAt),
    createdAt: new Date(app.createdAt),
  }
}
