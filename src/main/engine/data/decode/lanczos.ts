import type { ResampleKernels } from './lanczos-wasm'

/** A region of a source image, in source pixels (edges may fall between pixels). */
export interface Box {
  left: number
  top: number
  width: number
  height: number
}

/** For each output pixel along one axis, the first source pixel it reads and its weights. */
interface Taps {
  first: Int32Array
  /** How many source pixels each output pixel reads. */
  count: Int32Array
  /** Weights per output pixel, `span` slots each (the first `count` used). */
  weights: Float32Array
  span: number
}

const LOBES = 3
/** Tap tables by axis geometry: a folder of same-sized images resamples with one table. */
const tapCache = new Map<string, Taps>()
const TAP_CACHE_LIMIT = 256

function lanczos(x: number): number {
  if (x === 0) return 1
  if (x <= -LOBES || x >= LOBES) return 0
  const px = Math.PI * x
  return (LOBES * Math.sin(px) * Math.sin(px / LOBES)) / (px * px)
}

/**
 * Lanczos-3 taps from `[start, start + length)` of a `limit`-pixel axis onto
 * `out` pixels; widened by the scale when shrinking (an antialiasing filter),
 * normalised to sum 1, clamped to the axis.
 */
function axisTaps(limit: number, start: number, length: number, out: number): Taps {
  const key = `${limit}:${start}:${length}:${out}`
  const cached = tapCache.get(key)
  if (cached) return cached
  const scale = length / out
  const stretch = Math.max(scale, 1)
  const support = LOBES * stretch
  const span = Math.ceil(support) * 2 + 1
  const first = new Int32Array(out)
  const count = new Int32Array(out)
  const weights = new Float32Array(out * span)
  for (let i = 0; i < out; i++) {
    const centre = start + (i + 0.5) * scale
    const lo = Math.max(0, Math.floor(centre - support + 0.5))
    const hi = Math.min(limit, Math.floor(centre + support + 0.5), lo + span)
    const raw = []
    for (let x = lo; x < hi; x++) raw.push(lanczos((x + 0.5 - centre) / stretch))
    const sum = raw.reduce((a, b) => a + b, 0) || 1
    raw.forEach((w, k) => (weights[i * span + k] = w / sum))
    first[i] = lo
    count[i] = hi - lo
  }
  const taps = { first, count, weights, span }
  if (tapCache.size >= TAP_CACHE_LIMIT) tapCache.clear()
  tapCache.set(key, taps)
  return taps
}

/**
 * Resamples `box` of an RGBA image (`width` pixels a row) to `outWidth` x
 * `outHeight` RGB with a separable Lanczos-3 filter: rows first, then columns,
 * in float32 SIMD (`kernels`), rounded once at the end.
 */
export function resampleRgba(
  kernels: ResampleKernels,
  rgba: Uint8Array,
  width: number,
  height: number,
  box: Box,
  outWidth: number,
  outHeight: number,
): Uint8Array {
  const h = axisTaps(width, box.left, box.width, outWidth)
  const v = axisTaps(height, box.top, box.height, outHeight)
  const rowFirst = v.first[0]
  const rowCount = Math.min(height, v.first[outHeight - 1] + v.count[outHeight - 1]) - rowFirst
  const at = placeTaps(kernels, h, v, rowFirst)
  const layout = new HeapLayout(at.end)
  const bytes = layout.take(rowCount * width * 4)
  const src = layout.take(rowCount * width * 16)
  const rows = layout.take(rowCount * outWidth * 16)
  const out = layout.take(outWidth * outHeight * 3 + 1)
  const memory = kernels.memory
  const missing = layout.end - memory.buffer.byteLength
  if (missing > 0) memory.grow(Math.ceil(missing / 65536))
  const heap = new Uint8Array(memory.buffer)
  // Only the rows some output row reads go in; the column pass counts from the first.
  heap.set(rgba.subarray(rowFirst * width * 4, (rowFirst + rowCount) * width * 4), bytes)
  kernels.widen(bytes, rowCount * width, src)
  kernels.rows(src, width * 16, rowCount, at.hFirst, at.hCount, at.hWeights, h.span, outWidth, rows)
  kernels.columns(rows, outWidth, outHeight, at.vFirst, at.vCount, at.vWeights, v.span, out)
  return heap.slice(out, out + outWidth * outHeight * 3)
}

/** Where the tap tables lie in the kernels' memory, and where free memory starts after them. */
interface PlacedTaps {
  hFirst: number
  hCount: number
  hWeights: number
  vFirst: number
  vCount: number
  vWeights: number
  end: number
}

/** The tables last put in each kernels' memory: a folder of same-sized images puts them in once. */
const placed = new WeakMap<
  ResampleKernels,
  { h: Taps; v: Taps; rowFirst: number; at: PlacedTaps }
>()

/** Puts the tap tables at the start of the kernels' memory, unless the same ones are there. */
function placeTaps(kernels: ResampleKernels, h: Taps, v: Taps, rowFirst: number): PlacedTaps {
  const last = placed.get(kernels)
  if (last && last.h === h && last.v === v && last.rowFirst === rowFirst) return last.at
  const vFirst = v.first.map((y) => y - rowFirst)
  const layout = new HeapLayout(0)
  const tables: [ArrayBufferView, number][] = [
    h.first,
    h.count,
    h.weights,
    vFirst,
    v.count,
    v.weights,
  ].map((array) => [array, layout.take(array.byteLength)])
  const missing = layout.end - kernels.memory.buffer.byteLength
  if (missing > 0) kernels.memory.grow(Math.ceil(missing / 65536))
  const heap = new Uint8Array(kernels.memory.buffer)
  for (const [array, offset] of tables)
    heap.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), offset)
  const [hFirst, hCount, hWeights, vFirstAt, vCount, vWeights] = tables.map(([, offset]) => offset)
  const at = { hFirst, hCount, hWeights, vFirst: vFirstAt, vCount, vWeights, end: layout.end }
  placed.set(kernels, { h, v, rowFirst, at })
  return at
}

/** Consecutive 16-byte-aligned regions of the kernels' memory. */
class HeapLayout {
  constructor(public end: number) {}
  take(bytes: number): number {
    const at = this.end
    this.end += Math.ceil(bytes / 16) * 16
    return at
  }
}
