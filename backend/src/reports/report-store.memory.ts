import type { MemoryRoomStore } from '../rooms/room-store.memory.js'
import type { ReportRecord, ReportStatus, ReportStore } from './report-store.js'

/** Reports in process memory (embedded mode); a deleted room's reports go with it. */
export class MemoryReportStore implements ReportStore {
  /** By app, then by id; ids sort by creation time. */
  private readonly apps = new Map<string, Map<string, ReportRecord>>()

  constructor(rooms: MemoryRoomStore) {
    rooms.whenDeleted((appId, roomId) => {
      const reports = this.apps.get(appId)
      for (const [id, report] of reports ?? []) if (report.roomId === roomId) reports!.delete(id)
    })
  }

  async create(report: ReportRecord): Promise<{ report: ReportRecord; created: boolean }> {
    let reports = this.apps.get(report.appId)
    if (!reports) this.apps.set(report.appId, (reports = new Map()))
    for (const existing of reports.values())
      if (
        existing.roomId === report.roomId &&
        existing.messageId === report.messageId &&
        existing.reportedBy === report.reportedBy
      )
        return { report: copy(existing), created: false }
    reports.set(report.id, copy(report))
    return { report: copy(report), created: true }
  }

  async get(appId: string, id: string): Promise<ReportRecord | null> {
    const report = this.apps.get(appId)?.get(id)
    return report ? copy(report) : null
  }

  async list(
    appId: string,
    page: { status?: ReportStatus; limit: number; before?: string },
  ): Promise<ReportRecord[]> {
    return [...(this.apps.get(appId)?.values() ?? [])]
      .filter(
        (r) =>
          (page.status === undefined || r.status === page.status) &&
          (page.before === undefined || r.id < page.before),
      )
      .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .slice(0, Math.max(0, page.limit))
      .map(copy)
  }

  async resolve(appId: string, id: string, by: string, at: Date): Promise<ReportRecord | null> {
    const report = this.apps.get(appId)?.get(id)
    if (!report) return null
    if (report.status === 'open')
      Object.assign(report, { status: 'resolved', resolvedBy: by, resolvedAt: at })
    return copy(report)
  }
}

const copy = (r: ReportRecord): ReportRecord => ({
  ...r,
  createdAt: new Date(r.createdAt),
  resolvedAt: r.resolvedAt && new Date(r.resolvedAt),
})
