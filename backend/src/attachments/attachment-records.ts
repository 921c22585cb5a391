export type ThumbnailState = 'pending' | 'ready' | 'failed'

/** What the backend knows about one uploaded image; the bytes live in an AttachmentStore. */
export interface AttachmentRecord {
  appId: string
  id: string
  roomId: string
  uploaderId: string
  contentType: string
  bytes: number
  width: number
  height: number
  thumbnail: ThumbnailState
  /** Absolute base of the URLs handed out for this attachment, e.g. `https://chat.example.com`. */
  origin: string
  createdAt: Date
}

export interface AttachmentRecords {
  insert(record: AttachmentRecord): Promise<void>
  get(appId: string, id: string): Promise<AttachmentRecord | null>
  /** Ids of the room's attachments (the room is being deleted: their files go after it). */
  idsInRoom(appId: string, roomId: string): Promise<string[]>
  setThumbnail(appId: string, id: string, state: ThumbnailState): Promise<void>
}
