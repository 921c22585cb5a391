import type { AppRecord, AppStore, NewApp } from './app-store.js'

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
    const record = clone({ ...app, createdAt: new Date() })
    this.apps.set(app.id, record)
    return clone(record)
  }

  async list(): Promise<AppRecord[]> {
    return [...this.apps.values()].sort((a, b) => (a.id < b.id ? -1 : 1)).map(clone)
  }
}

// Callers get copies, as they would from a database: mutating one must not edit the store.
function clone(app: AppRecord): AppRecord {
  return {
    ...app,
    allowedOrigins: [...app.allowedOrigins],
    limits: { ...app.limits },
    createdAt: new Date(app.createdAt),
  }
}
