import type { EndpointPatch, EndpointRecord, EndpointStore } from './endpoint-store.js'

/** Endpoints in process memory (embedded mode). */
export class MemoryEndpointStore implements EndpointStore {
  private readonly byApp = new Map<string, Map<string, EndpointRecord>>()

  async create(endpoint: EndpointRecord): Promise<void> {
    let endpoints = this.byApp.get(endpoint.appId)
    if (!endpoints) this.byApp.set(endpoint.appId, (endpoints = new Map()))
    endpoints.set(endpoint.id, clone(endpoint))
  }

  async get(appId: string, id: string): Promise<EndpointRecord | null> {
    const endpoint = this.byApp.get(appId)?.get(id)
    return endpoint ? clone(endpoint) : null
  }

  async list(appId: string): Promise<EndpointRecord[]> {
    return [...(this.byApp.get(appId)?.values() ?? [])].map(clone)
  }

  async update(appId: string, id: string, patch: EndpointPatch): Promise<EndpointRecord | null> {
    const endpoints = this.byApp.get(appId)
    const existing = endpoints?.get(id)
    if (!endpoints || !existing) return null
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined))
    const updated = clone({ ...existing, ...defined })
    endpoints.set(id, updated)
    return clone(updated)
  }

  async delete(appId: string, id: string): Promise<boolean> {
    return this.byApp.get(appId)?.delete(id) ?? false
  }
}

// Copies, as a database would hand out: a caller mutating one must not edit the store.
function clone(endpoint: EndpointRecord): EndpointRecord {
  return {
    ...endpoint,
    events: [...endpoint.events],
    previousSecretExpiresAt: endpoint.previousSecretExpiresAt && new Date(endpoint.previousSecretExpiresAt),
    createdAt: new Date(endpoint.createdAt),
  }
}
