import sharp, { type Sharp } from 'sharp'
import { LIMITS, type SkippedImage } from '@shared/contract'
import { detectFormat, HEADER_BYTES, type DetectedFormat } from './formats/detect'
import { decodeWithMagick } from './formats/magick'
import { CELEBA_CROP_FRACTION } from './decode/square'
import type { CropMode } from './store'

/** Larger images are refused (a decompression bomb is a small file that claims a huge canvas). */
export const MAX_INPUT_PIXELS = LIMITS.imagePixels
/** Larger files are not read at all. */
export const MAX_FILE_BYTES = LIMITS.imageFileBytes

/** An image that cannot be used; `reason` is written for the artist's ingest report. */
export class ImageRejected extends Error {
  constructor(
    readonly reason: string,
    /** The format its content was judged to be ('PSD'), when one was recognised. */
    readonly format?: string,
    /** Why, in a word: a damaged file, a recognised picture format that this app does not read, or a photo without a face. */
    readonly kind: Extract<SkippedImage['kind'], 'invalid' | 'unsupported' | 'no-face'> = 'invalid',
  ) {
    super(reason)
    this.name = 'ImageRejected'
  }
}

/**
 * The decoder for a file's content, whatever its name says: sharp for what
 * libvips reads, else the pixels decoded by ImageMagick, handed to sharp raw.
 * Throws `ImageRejected` for content it does not read.
 */
export async function openImage(input: Uint8Array): Promise<{ image: Sharp; format: string }> {
  const format: DetectedFormat | null = await detectFormat(input.subarray(0, HEADER_BYTES))
  if (!format) throw new ImageRejected('not an image (its content is no known image format)')
  if (!format.reader) {
    throw new ImageRejected(
      `${format.name}: not supported${format.image ? '; save it as PNG or JPEG' : ' (not an image)'}`,
      format.name,
      'unsupported',
    )
  }
  const options = { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'truncated' as const, pages: 1 }
  if (format.reader === 'sharp') return { image: sharp(input, options), format: format.name }
  let raw
  try {
    raw = await decodeWithMagick(input, format.ext, MAX_INPUT_PIXELS)
  } catch (error) {
    throw new ImageRejected(magickReason(format.name, error), format.name)
  }
  const { data, ...size } = raw
  return { image: sharp(data, { raw: size, limitInputPixels: false }), format: format.name }
}

/** One line for the report from one of ImageMagick's errors. */
function magickReason(format: string, error: unknown): string {
  const text = firstLine(error instanceof Error ? error.message : String(error))
  if (/exceeds ?limit|resource limit/i.test(text)) {
    return `${format} image is larger than the ${MAX_INPUT_PIXELS / 1e6}-megapixel limit (imagePixels)`
  }
  if (
    /unable ?to ?read ?image ?data|insufficient ?image ?data|unexpected ?end|corrupt/i.test(text)
  ) {
    return `truncated or damaged ${format} image (${text})`
  }
  return `cannot decode ${format} image (${text})`
}

/**
 * Decodes one image file's bytes into `size` x `size` RGB (uint8, row-major):
 * EXIF orientation applied, transparency over white, made square by `crop`.
 * Throws `ImageRejected` with a reason for anything it cannot use.
 */
export async function preprocessImage(
  input: Uint8Array,
  size: number,
  crop: Exclude<CropMode, 'face'>,
): Promise<Uint8Array> {
  if (input.length === 0) throw new ImageRejected('empty file (0 bytes)')
  // One instance: its header is read once for the size, then the same instance decodes.
  const opened = await openImage(input)
  let pipeline = opened.image
  let width: number
  let height: number
  try {
    const meta = await pipeline.metadata()
    width = meta.autoOrient?.width ?? meta.width ?? 0
    height = meta.autoOrient?.height ?? meta.height ?? 0
  } catch (error) {
    throw new ImageRejected(await rejectionReason(input, error), opened.format)
  }
  if (width < 1 || height < 1) throw new ImageRejected('image has no pixels')
  pipeline = pipeline.autoOrient().flatten({ background: '#ffffff' })
  if (crop === 'celeba') {
    const side = Math.max(1, Math.min(height, Math.round(width * CELEBA_CROP_FRACTION)))
    pipeline = pipeline.extract({
      left: Math.floor((width - side) / 2),
      top: Math.floor((height - side) / 2),
      width: side,
      height: side,
    })
  }
  pipeline =
    crop === 'fit'
      ? pipeline.resize(size, size, { fit: 'contain', background: { r: 0, g: 0, b: 0 } })
      : pipeline.resize(size, size, { fit: 'cover', position: 'centre' })
  let data: Buffer
  try {
    data = await pipeline.toColourspace('srgb').removeAlpha().raw({ depth: 'uchar' }).toBuffer()
  } catch (error) {
    throw new ImageRejected(decodeReason(error), opened.format)
  }
  if (data.length !== size * size * 3) {
    throw new ImageRejected(`decoder gave ${data.length} bytes instead of ${size * size * 3}`)
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.length)
}

/** Why an image was refused: for one over the pixel limit, its size (read from the header alone). */
async function rejectionReason(input: Uint8Array, error: unknown): Promise<string> {
  const reason = decodeReason(error)
  if (!/pixel limit/i.test(String((error as Error)?.message))) return reason
  try {
    const meta = await sharp(input, { limitInputPixels: false }).metadata()
    const w = meta.autoOrient?.width ?? meta.width ?? 0
    const h = meta.autoOrient?.height ?? meta.height ?? 0
    return `image is ${w} x ${h} (${Math.round((w * h) / 1e6)} megapixels), over the ${MAX_INPUT_PIXELS / 1e6}-megapixel limit (imagePixels)`
  } catch {
    return reason
  }
}

/** One line for the report from one of sharp's (multi-line, technical) errors. */
function decodeReason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  if (/unsupported image format/i.test(text)) return 'not an image (unrecognised content)'
  if (/pixel limit/i.test(text)) {
    return `image is larger than the ${MAX_INPUT_PIXELS / 1e6}-megapixel limit (imagePixels)`
  }
  if (/premature end|truncated|unexpected end|end of (file|stream)|short read/i.test(text)) {
    return `truncated or damaged image (${firstLine(text)})`
  }
  return `cannot decode image (${firstLine(text)})`
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim().slice(0, 200)
}
