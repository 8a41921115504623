/**
 * Decoded faces to image files: PNG at the model size or upscaled (lanczos3),
 * contact sheets, animated GIF and WebP. Frames arrive as the decoder gives
 * them: float RGB in 0..1, n x S x S x 3.
 */
import sharp from 'sharp'

/** Float RGB in 0..1 to bytes, rounding to nearest (the one place floats become pixels). */
export function toBytes(floats: Float32Array): Uint8Array {
  const out = new Uint8Array(floats.length)
  for (let i = 0; i < floats.length; i++) {
    const v = floats[i] * 255 + 0.5
    out[i] = v <= 0 ? 0 : v >= 255 ? 255 : v
  }
  return out
}

/** The bytes of frame `f` of `rgb` (frames of size x size x 3). */
export function frameOf(rgb: Uint8Array, size: number, f: number): Uint8Array {
  const n = size * size * 3
  return rgb.subarray(f * n, (f + 1) * n)
}

/** One frame resized to `to` pixels (lanczos3 when enlarging or shrinking), RGB bytes. */
export async function resizeFrame(
  frame: Uint8Array,
  size: number,
  to: number,
): Promise<Uint8Array> {
  if (to === size) return frame
  const out = await sharp(frame, { raw: { width: size, height: size, channels: 3 } })
    .resize(to, to, { kernel: 'lanczos3', fit: 'fill' })
    .raw()
    .toBuffer()
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
}

/** Every frame resized to `to` pixels. */
export async function resizeFrames(
  rgb: Uint8Array,
  size: number,
  frames: number,
  to: number,
): Promise<Uint8Array> {
  if (to === size) return rgb
  const out = new Uint8Array(frames * to * to * 3)
  for (let f = 0; f < frames; f++) {
    out.set(await resizeFrame(frameOf(rgb, size, f), size, to), f * to * to * 3)
  }
  return out
}

/** A PNG of one frame (RGB, deterministic: no timestamps, fixed compression). */
export async function pngOf(frame: Uint8Array, size: number): Promise<Buffer> {
  return sharp(frame, { raw: { width: size, height: size, channels: 3 } })
    .png({ compressionLevel: 9, adaptiveFiltering: false })
    .toBuffer()
}

/**
 * Lays frames out in a grid (row-major, `columns` per row) with a `gap` of
 * `background` between them; returns RGB bytes and the sheet's size.
 */
export function contactSheet(
  rgb: Uint8Array,
  size: number,
  frames: number,
  columns: number,
  gap = 2,
  background = 255,
): { pixels: Uint8Array; width: number; height: number } {
  const cols = Math.max(1, Math.min(columns, frames))
  const rows = Math.ceil(frames / cols)
  const width = cols * size + (cols + 1) * gap
  const height = rows * size + (rows + 1) * gap
  const pixels = new Uint8Array(width * height * 3).fill(background)
  for (let f = 0; f < frames; f++) {
    const x0 = gap + (f % cols) * (size + gap)
    const y0 = gap + Math.floor(f / cols) * (size + gap)
    for (let y = 0; y < size; y++) {
      const src = (f * size * size + y * size) * 3
      pixels.set(rgb.subarray(src, src + size * 3), ((y0 + y) * width + x0) * 3)
    }
  }
  return { pixels, width, height }
}

export async function sheetPng(sheet: {
  pixels: Uint8Array
  width: number
  height: number
}): Promise<Buffer> {
  return sharp(sheet.pixels, { raw: { width: sheet.width, height: sheet.height, channels: 3 } })
    .png({ compressionLevel: 9, adaptiveFiltering: false })
    .toBuffer()
}

/**
 * An animated GIF or WebP of the frames (stacked into one tall image with
 * `pageHeight`, which is how sharp writes animations), looping forever.
 */
export async function animation(
  rgb: Uint8Array,
  size: number,
  frames: number,
  format: 'gif' | 'webp',
  fps: number,
): Promise<Buffer> {
  // One delay per frame: a single number sets the first frame's only.
  const delay = new Array<number>(frames).fill(Math.max(20, Math.round(1000 / fps)))
  const image = sharp(rgb, {
    raw: { width: size, height: size * frames, channels: 3, pageHeight: size },
  })
  return format === 'gif'
    ? image.gif({ loop: 0, delay, effort: 7, dither: 0.5 }).toBuffer()
    : image.webp({ loop: 0, delay, quality: 90, effort: 4 }).toBuffer()
}

/** The frames in order, then back again without repeating the ends: a loop without a jump. */
export function pingPongOrder(frames: number): number[] {
  const order = Array.from({ length: frames }, (_, i) => i)
  for (let i = frames - 2; i >= 1; i--) order.push(i)
  return order
}

/** Reorders frames (e.g. by `pingPongOrder`). */
export function reorderFrames(rgb: Uint8Array, size: number, order: number[]): Uint8Array {
  const n = size * size * 3
  const out = new Uint8Array(order.length * n)
  order.forEach((f, i) => out.set(rgb.subarray(f * n, (f + 1) * n), i * n))
  return out
}
