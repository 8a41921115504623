import type { CropMode } from '../store'
import { resampleRgba, type Box } from './lanczos'
import type { ResampleKernels } from './lanczos-wasm'

/**
 * The square taken from a `celeba` crop: 148 of 178 pixels of the width, as in
 * the CelebA-64 literature. Declared here, not beside sharp's crop in
 * `../decode`, so that a decode worker loads neither sharp nor ImageMagick.
 */
export const CELEBA_CROP_FRACTION = 148 / 178

/**
 * Makes decoded RGBA pixels into the dataset's `size` x `size` RGB square by
 * `crop`, as `preprocessImage` does with sharp: `center` takes the middle
 * square, `celeba` CelebA's central 148/178 of the width, `fit` letterboxes on black.
 */
export function squareFromRgba(
  kernels: ResampleKernels,
  rgba: Uint8Array,
  width: number,
  height: number,
  size: number,
  crop: Exclude<CropMode, 'face'>,
): Uint8Array {
  if (crop === 'fit') return letterbox(kernels, rgba, width, height, size)
  return resampleRgba(kernels, rgba, width, height, squareBox(width, height, crop), size, size)
}

function squareBox(width: number, height: number, crop: 'center' | 'celeba'): Box {
  if (crop === 'celeba') {
    const side = Math.max(1, Math.min(height, Math.round(width * CELEBA_CROP_FRACTION)))
    const left = Math.floor((width - side) / 2)
    const top = Math.floor((height - side) / 2)
    return { left, top, width: side, height: side }
  }
  const side = Math.min(width, height)
  return { left: (width - side) / 2, top: (height - side) / 2, width: side, height: side }
}

function letterbox(
  kernels: ResampleKernels,
  rgba: Uint8Array,
  width: number,
  height: number,
  size: number,
): Uint8Array {
  const scale = size / Math.max(width, height)
  const w = Math.max(1, Math.min(size, Math.round(width * scale)))
  const h = Math.max(1, Math.min(size, Math.round(height * scale)))
  const inner = resampleRgba(kernels, rgba, width, height, { left: 0, top: 0, width, height }, w, h)
  const out = new Uint8Array(size * size * 3)
  const left = Math.floor((size - w) / 2)
  const top = Math.floor((size - h) / 2)
  for (let y = 0; y < h; y++)
    out.set(inner.subarray(y * w * 3, (y + 1) * w * 3), ((top + y) * size + left) * 3)
  return out
}
