import sharp from 'sharp'
import { applySimilarity, type Similarity } from './align'

/** Decoded RGB pixels of a photo, possibly shrunk: `scale` of its pixels per original pixel. */
export interface RgbImage {
  data: Uint8Array
  width: number
  height: number
  scale: number
}

/** Samples per output pixel and axis before the final filtered resize: 2 keeps bilinear's blur out of the result. */
const SUPERSAMPLE = 2

/**
 * Resamples the aligned crop of side `size` that `transform` (crop -> original
 * photo pixels) picks out of `photo`: bilinear at twice the target resolution,
 * then sharp's Lanczos-3 down to `size`. Pixels past the photo's edge are
 * mirrored in from inside it (reflection padding); `reflected` says when that happened.
 */
export async function resampleAligned(
  photo: RgbImage,
  transform: Similarity,
  size: number,
): Promise<{ pixels: Uint8Array; reflected: boolean }> {
  const side = size * SUPERSAMPLE
  const out = new Uint8Array(side * side * 3)
  const { data, width, height, scale } = photo
  let reflected = false
  for (let j = 0; j < side; j++) {
    for (let i = 0; i < side; i++) {
      const p = applySimilarity(transform, (i + 0.5) / side, (j + 0.5) / side)
      // Pixel centres sit at +0.5: the sample position in index space of the (shrunk) photo.
      const x = p.x * scale - 0.5
      const y = p.y * scale - 0.5
      const x0 = Math.floor(x)
      const y0 = Math.floor(y)
      const fx = x - x0
      const fy = y - y0
      if (x0 < 0 || y0 < 0 || x0 + 1 >= width || y0 + 1 >= height) reflected = true
      const xa = reflect(x0, width)
      const xb = reflect(x0 + 1, width)
      const ya = reflect(y0, height) * width
      const yb = reflect(y0 + 1, height) * width
      const o = (j * side + i) * 3
      for (let c = 0; c < 3; c++) {
        const top = data[(ya + xa) * 3 + c] * (1 - fx) + data[(ya + xb) * 3 + c] * fx
        const bottom = data[(yb + xa) * 3 + c] * (1 - fx) + data[(yb + xb) * 3 + c] * fx
        out[o + c] = Math.round(top * (1 - fy) + bottom * fy)
      }
    }
  }
  const pixels = await sharp(out, { raw: { width: side, height: side, channels: 3 } })
    .resize(size, size, { kernel: 'lanczos3' })
    .raw()
    .toBuffer()
  return { pixels: new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.length), reflected }
}

/** Index `i` mirrored into 0..n-1 about the edge pixels (…2 1 | 0 1 2 … n-1 | n-2 …), for any distance outside. */
export function reflect(i: number, n: number): number {
  if (n === 1) return 0
  const period = 2 * (n - 1)
  const k = ((i % period) + period) % period
  return k < n ? k : period - k
}
