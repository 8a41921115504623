import { preprocessImage } from '../decode'
import type { CropMode } from '../store'
import { fastJpegFits, preprocessJpegFast } from './fast-jpeg'
import { readJpegHeader } from './jpeg-header'
import { DecodePool } from './pool'

/** Made at the first small JPEG; null where there are no workers (then this thread decodes). */
let pool: DecodePool | null | undefined

/**
 * `preprocessImage` with a fast path: small plain JPEGs (most of a face
 * dataset) are decoded by WebAssembly libjpeg on the decode workers (or this
 * thread), where sharp's per-call cost is larger than the decode itself;
 * everything else, and anything the fast path declines, goes to sharp.
 */
export async function preprocess(
  input: Uint8Array,
  size: number,
  crop: Exclude<CropMode, 'face'>,
): Promise<Uint8Array> {
  const header = readJpegHeader(input)
  if (header && fastJpegFits(header)) {
    if (pool === undefined) pool = DecodePool.create()
    const pixels = pool
      ? await pool.decode(input, size, crop)
      : await preprocessJpegFast(input, size, crop)
    if (pixels) return pixels
  }
  return preprocessImage(input, size, crop)
}
