export type ReportStatus = 'open' | 'resolved'

/** One member's report of one message. */
export interface ReportRecord {
  appId: string
  id: string
  roomId: string
  messageId: string
  reportedBy: string
  reason: string
  status: ReportStatus
  createdAt: Date
  resolvedBy: string | null
  resolvedAt: Date | null
}

export interface ReportStore {
  /**
   * Stores a new open report, unless this user already reported this message: then the
   * stored one is returned as it is (`created` false), whatever its reason or status.
   */
  create(report: ReportRecord): Promise<{ report: ReportRecord; created: boolean }>
  get(appId: string, id: string): Promise<ReportRecord | null>
  /** Newest first, keyset-paginated on id (exclusive `before`), optionally one status only. */
  list(
    appId: string,
    page: { status?: ReportStatus; limit: number; before?: string },
  ): Promise<ReportRecord[]>
  /** Marks the report resolved (a resolved one stays as first resolved); null when unknown. */
  resolve(appId: string, id: string, by: string, at: Date): Promise<ReportRecord | null>
}
