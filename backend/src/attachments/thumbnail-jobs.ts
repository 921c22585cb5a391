export interface ThumbnailJob {
  appId: string
  attachmentId: string
}

/** Makes one thumbnail; must be idempotent (a job may run twice). */
export type ThumbnailProcessor = (job: ThumbnailJob) => Promise<void>

/** Runs thumbnail jobs off the request path: BullMQ in production, in-process in embedded mode. */
export interface ThumbnailQueue {
  /** Fire and forget: a lost request leaves the full image serving as the thumbnail. */
  request(job: ThumbnailJob): void
  close(): Promise<void>
}
