import { randomBytes } from 'node:crypto'
import type { Attachment } from '@roomful/sdk/protocol'
import { RoomfulError } from '../errors.js'
import type { Logger } from '../logger.js'
import type { RoomsService } from '../rooms/rooms-service.js'
import type { AttachmentRecord, AttachmentRecords } from './attachment-records.js'
import type { AttachmentStore } from './attachment-store.js'
import { cleanImage, makeThumbnail } from './image.js'
import type { ThumbnailJob, ThumbnailQueue } from './thumbnail-jobs.js'

/** 144 random bits: the id is the capability to read the image (see docs/rest-api.md). */
const newAttachmentId = () => `a${randomBytes(18).toString('base64url')}`
const fullKey = (appId: string, id: string) => `${appId}/${id}`
const thumbKey = (appId: string, id: string) => `${appId}/${id}.thumb`

export interface Upload {
  appId: string
  roomId: string
  uploaderId: string
  /** Absolute base for the URLs handed out, e.g. `https://chat.example.com`. */
  origin: string
  body: Buffer
}

/**
 * Image attachments: validate and clean on upload, store bytes then record (a refused file
 * leaves nothing), make the thumbnail off the request path, and hand out only attachments of
 * the same app, room and uploader to messages.
 */
export class AttachmentsService {
  private thumbnails: ThumbnailQueue | null = null

  constructor(
    private readonly deps: {
      records: AttachmentRecords
      files: AttachmentStore
      rooms: RoomsService
      log: Logger
    },
  ) {}

  /** Set once by the composition root (the queue needs `makeThumbnail` as its processor). */
  useThumbnailQueue(queue: ThumbnailQueue): void {
    this.thumbnails = queue
  }

  async upload(input: Upload): Promise<Attachment> {
    await this.deps.rooms.require(input.appId, input.roomId)
    const image = await cleanImage(input.body)
    const record: AttachmentRecord = {
      appId: input.appId,
      id: newAttachmentId(),
      roomId: input.roomId,
      uploaderId: input.uploaderId,
      contentType: image.contentType,
      bytes: image.bytes.length,
      width: image.width,
      height: image.height,
      thumbnail: 'pending',
      origin: input.origin,
      createdAt: new Date(),
    }
    const key = fullKey(record.appId, record.id)
    await this.deps.files.put(key, image.bytes)
    try {
      await this.deps.records.insert(record)
    } catch (err) {
      await this.deps.files.delete(key).catch(() => {})
      throw err
    }
    this.thumbnails?.request({ appId: record.appId, attachmentId: record.id })
    return view(record)
  }

  /** The attachment for an image message: only the uploader's own, in this app and room. */
  async forMessage(appId: string, roomId: string, userId: string, id: string): Promise<Attachment> {
    const record = await this.deps.records.get(appId, id)
    if (!record || record.roomId !== roomId || record.uploaderId !== userId)
      throw new RoomfulError('not_found', 'unable to send; no such attachment of yours in this room')
    return view(record)
  }

  /** The room's attachment ids, read before the room is deleted (its records go with it). */
  idsInRoom(appId: string, roomId: string): Promise<string[]> {
    return this.deps.records.idsInRoom(appId, roomId)
  }

  /** Removes the files (image and thumbnail) of attachments whose records are gone. */
  async removeFiles(appId: string, ids: string[]): Promise<void> {
    for (const id of ids)
      await Promise.all([
        this.deps.files.delete(fullKey(appId, id)),
        this.deps.files.delete(thumbKey(appId, id)),
      ])
  }

  /** The bytes to serve; the thumbnail falls back to the full image until it is ready. */
  async read(
    appId: string,
    id: string,
    variant: 'full' | 'thumbnail',
  ): Promise<{ bytes: Buffer; contentType: string; final: boolean } | null> {
    const record = await this.deps.records.get(appId, id)
    if (!record) return null
    if (variant === 'thumbnail' && record.thumbnail === 'ready') {
      const bytes = await this.deps.files.get(thumbKey(appId, id))
      if (bytes) return { bytes, contentType: 'image/webp', final: true }
    }
    const bytes = await this.deps.files.get(fullKey(appId, id))
    return bytes && { bytes, contentType: record.contentType, final: variant === 'full' }
  }

  /** The thumbnail job; idempotent: a thumbnail already made is not made again. */
  readonly makeThumbnail = async ({ appId, attachmentId }: ThumbnailJob): Promise<void> => {
    const record = await this.deps.records.get(appId, attachmentId)
    if (!record || record.thumbnail === 'ready') return
    const full = await this.deps.files.get(fullKey(appId, attachmentId))
    if (!full) return
    try {
      await this.deps.files.put(thumbKey(appId, attachmentId), await makeThumbnail(full))
      await this.deps.records.setThumbnail(appId, attachmentId, 'ready')
    } catch (err) {
      this.deps.log.warn({ err, attachmentId }, 'unable to make a thumbnail; the full image serves')
      await this.deps.records.setThumbnail(appId, attachmentId, 'failed').catch(() => {})
      throw err
    }
  }
}

/**
 * The public view. `thumbnailUrl` is always set: it serves the full image until the thumbnail
 * is made, so a message sent right after upload needs no later update.
 */
function view(r: AttachmentRecord): Attachment {
  const url = `${r.origin}/v1/apps/${encodeURIComponent(r.appId)}/attachments/${r.id}`
  return {
    id: r.id,
    contentType: r.contentType,
    bytes: r.bytes,
    width: r.width,
    height: r.height,
    url,
    thumbnailUrl: `${url}/thumbnail`,
  }
}
