import sharp from 'sharp'
import { RoomfulError } from '../errors.js'

export type ImageType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp'

const FORMATS: Record<ImageType, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
}

/** Images larger than this many pixels are refused before decoding (decompression bombs). */
const MAX_PIXELS = 40_000_000
const THUMBNAIL_SIZE = 320

const startsWith = (bytes: Buffer, signature: string, at = 0) =>
  bytes.subarray(at, at + signature.length).equals(Buffer.from(signature, 'latin1'))

/**
 * The image type from the file's first bytes, or null. The client's Content-Type and file name
 * are never trusted: an SVG or an HTML page named `.png` has no raster signature.
 */
export function sniffImageType(bytes: Buffer): ImageType | null {
  if (startsWith(bytes, '\x89PNG\r\n\x1a\n')) return 'image/png'
  if (startsWith(bytes, '\xff\xd8\xff')) return 'image/jpeg'
  if (startsWith(bytes, 'GIF87a') || startsWith(bytes, 'GIF89a')) return 'image/gif'
  if (startsWith(bytes, 'RIFF') && startsWith(bytes, 'WEBP', 8)) return 'image/webp'
  return null
}

export interface CleanImage {
  bytes: Buffer
  contentType: ImageType
  width: number
  height: number
}

const unsupported = () =>
  new RoomfulError(
    'unsupported_media',
    'unable to accept the file; only png, jpeg, gif and webp images are accepted',
  )

/**
 * Decodes the whole image (a truncated or corrupt one fails) and re-encodes it in its own
 * format, which drops every metadata block (EXIF with GPS, XMP, comments); EXIF orientation is
 * applied to the pixels first so the picture still stands the right way up.
 */
export async function cleanImage(input: Buffer): Promise<CleanImage> {
  const contentType = sniffImageType(input)
  if (!contentType) throw unsupported()
  const animated = contentType === 'image/gif' || contentType === 'image/webp'
  const options = { failOn: 'truncated', limitInputPixels: MAX_PIXELS, animated } as const
  try {
    const meta = await sharp(input, options).metadata()
    if (meta.format !== FORMATS[contentType]) throw unsupported()
    let pipeline = sharp(input, options).rotate()
    if (contentType === 'image/png') pipeline = pipeline.png()
    else if (contentType === 'image/jpeg') pipeline = pipeline.jpeg({ quality: 90 })
    else if (contentType === 'image/gif') pipeline = pipeline.gif()
    else pipeline = pipeline.webp({ quality: 90 })
    const { data, info } = await pipeline.toBuffer({ resolveWithObject: true })
    return { bytes: data, contentType, width: info.width, height: info.pageHeight ?? info.height }
  } catch (err) {
    if (err instanceof RoomfulError) throw err
    throw new RoomfulError('bad_request', 'unable to accept the image; it is truncated or corrupt')
  }
}

/** A small WebP of the first frame, at most 320 px on its longer side. */
export async function makeThumbnail(image: Buffer): Promise<Buffer> {
  return sharp(image, { limitInputPixels: MAX_PIXELS })
    .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 80 })
    .toBuffer()
}
