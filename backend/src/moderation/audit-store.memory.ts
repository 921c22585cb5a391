import type { AuditEntry, AuditStore } from './audit-log.js'

/** The audit log in process memory (embedded mode): kept per app in id order. */
export class MemoryAuditStore implements AuditStore {
  private readonly byApp = new Map<string, AuditEntry[]>()

  async append(entry: AuditEntry): Promise<void> {
    let entries = this.byApp.get(entry.appId)
    if (!entries) this.byApp.set(entry.appId, (entries = []))
    entries.push(clone(entry))
    // Ids made on one node increase; sorting keeps the order when they were not made in order.
    if (entries.length > 1 && entries[entries.length - 2]!.id > entry.id) entries.sort(byId)
  }

  async list(appId: string, page: { limit: number; before?: string }): Promise<AuditEntry[]> {
    const entries = this.byApp.get(appId) ?? []
    const older = page.before === undefined ? entries : entries.filter((e) => e.id < page.before!)
    return older.slice(-page.limit).reverse().map(clone)
  }
}

const byId = (a: AuditEntry, b: AuditEntry) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

// Copies, as a database would hand out.
function clone(entry: AuditEntry): AuditEntry {
  return { ...entry, at: new Date(entry.at), details: entry.details && structuredClone(entry.details) }
}
