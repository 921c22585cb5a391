import type { AttachmentRecord, AttachmentRecords, ThumbnailState } from './attachment-records.js'

/** Embedded mode: records live as long as the process (like every embedded store). */
export class MemoryAttachmentRecords implements AttachmentRecords {
  private readonly records = new Map<string, AttachmentRecord>()

  async insert(record: AttachmentRecord): Promise<void> {
    this.records.set(`${record.appId}/${record.id}`, { ...record })
  }

  async get(appId: string, id: string): Promise<AttachmentRecord | null> {
    const record = this.records.get(`${appId}/${id}`)
    return record ? { ...record } : null
  }

  async idsInRoom(appId: string, roomId: string): Promise<string[]> {
    return [...this.records.values()].filter((r) => r.appId === appId && r.roomId === roomId).map((r) => r.id)
  }

  /** Its room was deleted (embedded mode wires this to the room store). */
  dropRoom(appId: string, roomId: string): void {
    for (const [key, record] of this.records)
      if (record.appId === appId && record.roomId === roomId) this.records.delete(key)
  }

  async setThumbnail(appId: string, id: string, state: ThumbnailState): Promise<void> {
    const record = this.records.get(`${appId}/${id}`)
    if (record) record.thumbnail = state
  }
}
