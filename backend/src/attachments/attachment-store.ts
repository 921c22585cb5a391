/**
 * Where attachment bytes live. Keys are `<appId>/<attachmentId>[.thumb]`, made by the service
 * from validated ids only.
 */
export interface AttachmentStore {
  /** Stores the bytes whole or not at all (a reader never sees a half-written file). */
  put(key: string, bytes: Buffer): Promise<void>
  /** The bytes, or null when nothing is stored under `key`. */
  get(key: string): Promise<Buffer | null>
  delete(key: string): Promise<void>
}
