import sharp from 'sharp'
import type { CropMode } from './store'

/** Larger images are refused (a decompression bomb is a small file that claims a huge canvas). */
export const MAX_INPUT_PIXELS = 100_000_000
/** Larger files are not read at all. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024

/** The square taken from a `celeba` crop: 148 of 178 pixels of the width, as in the CelebA-64 literature. */
export const CELEBA_CROP_FRACTION = 148 / 178

/** An image that cannot be used; `reason` is written for the artist's ingest report. */
export class ImageRejected extends Error {
  constructor(readonly reason: string) {
    super(reason)
    this.name = 'ImageRejected'
  }
}

/**
 * Decodes one image file's bytes into `size` x `size` RGB (uint8, row-major):
 * EXIF orientation applied, transparency over white, made square by `crop`.
 * Throws `ImageRejected` with a reason for anything it cannot use.
 */
export async function preprocessImage(
  input: Uint8Array,
  size: number,
  crop: CropMode,
): Promise<Uint8Array> {
  if (input.length === 0) throw new ImageRejected('empty file (0 bytes)')
  const options = { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'truncated' as const, pages: 1 }
  // One instance: its header is read once for the size, then the same instance decodes.
  let pipeline = sharp(input, options)
  let width: number
  let height: number
  try {
    const meta = await pipeline.metadata()
    width = meta.autoOrient?.width ?? meta.width ?? 0
    height = meta.autoOrient?.height ?? meta.height ?? 0
  } catch (error) {
    throw new ImageRejected(await rejectionReason(input, error))
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
    throw new ImageRejected(decodeReason(error))
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
    return `image is ${w} x ${h} (${Math.round((w * h) / 1e6)} megapixels), over the ${MAX_INPUT_PIXELS / 1e6}-megapixel limit`
  } catch {
    return reason
  }
}

/** One line for the report from one of sharp's (multi-line, technical) errors. */
function decodeReason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  if (/unsupported image format/i.test(text)) return 'not an image (unrecognised content)'
  if (/pixel limit/i.test(text)) {
    return `image is larger than the ${MAX_INPUT_PIXELS / 1e6}-megapixel limit`
  }
  if (/premature end|truncated|unexpected end|end of (file|stream)|short read/i.test(text)) {
    return `truncated or damaged image (${firstLine(text)})`
  }
  return `cannot decode image (${firstLine(text)})`
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim().slice(0, 200)
}
