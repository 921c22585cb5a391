import type {
  DeliveredMark,
  DeliveryPatch,
  DeliveryRecord,
  DeliveryStatus,
  DeliveryStore,
} from './delivery-store.js'

/** Embedded mode keeps at most this many deliveries per app; the oldest go first. */
export const MEMORY_DELIVERIES_PER_APP = 10_000

/** Deliveries in process memory (embedded mode), in creation order per app. */
export class MemoryDeliveryStore implements DeliveryStore {
  private readonly byApp = new Map<string, Map<string, DeliveryRecord>>()

  async insertMany(deliveries: DeliveryRecord[]): Promise<void> {
    for (const delivery of deliveries) {
      let records = this.byApp.get(delivery.appId)
      if (!records) this.byApp.set(delivery.appId, (records = new Map()))
      records.set(delivery.id, { ...delivery })
      if (records.size > MEMORY_DELIVERIES_PER_APP) records.delete(records.keys().next().value!)
    }
  }

  async get(appId: string, id: string): Promise<DeliveryRecord | null> {
    const record = this.byApp.get(appId)?.get(id)
    return record ? { ...record } : null
  }

  async update(
    appId: string,
    id: string,
    patch: DeliveryPatch,
    onlyFrom?: DeliveryStatus[],
  ): Promise<boolean> {
    const records = this.byApp.get(appId)
    const record = records?.get(id)
    if (!records || !record || (onlyFrom && !onlyFrom.includes(record.status))) return false
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined))
    records.set(id, { ...record, ...defined })
    return true
  }

  async markDelivered(marks: DeliveredMark[]): Promise<void> {
    for (const { appId, id, ...mark } of marks)
      await this.update(appId, id, {
        ...mark,
        status: 'delivered',
        payload: null,
        lastError: null,
        nextAttemptAt: null,
      })
  }

  async listForMessage(appId: string, roomId: string, seq?: number): Promise<DeliveryRecord[]> {
    const records = [...(this.byApp.get(appId)?.values() ?? [])]
    return records
      .filter((r) => r.roomId === roomId && (seq === undefined || r.messageSeq === seq) && r.payload !== null)
      .map((r) => ({ ...r }))
  }

  async list(
    appId: string,
    page: { status?: DeliveryStatus; limit: number; before?: string },
  ): Promise<DeliveryRecord[]> {
    const out: DeliveryRecord[] = []
    const records = [...(this.byApp.get(appId)?.values() ?? [])]
    for (let i = records.length - 1; i >= 0 && out.length < page.limit; i--) {
      const record = records[i]!
      if (page.before !== undefined && record.id >= page.before) continue
      if (page.status && record.status !== page.status) continue
      out.push({ ...record, payload: null })
    }
    return out
  }

  async prune(olderThan: Date, limit: number): Promise<number> {
    let deleted = 0
    for (const records of this.byApp.values())
      for (const [id, record] of records) {
        if (deleted >= limit || record.createdAt >= olderThan) break
        records.delete(id)
        deleted += 1
      }
    return deleted
  }
}
