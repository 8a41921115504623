import { backend_util } from '@tensorflow/tfjs-core'
import type {
  Conv2DBackpropInputAttrs,
  NamedTensorInfoMap,
  TensorInfo,
} from '@tensorflow/tfjs-core'
import type { KernelRunner } from './kernel-runner'
import { cachedSubFilters, type SubFilter } from './sub-filter-cache'

export type TransposedConvStrategy = 'perPhase' | 'stacked'
let forced: TransposedConvStrategy | null = null

/** Pins the strategy (tests and benchmarks exercise both); null restores the cost-based pick. */
export function forceTransposedConvStrategy(strategy: TransposedConvStrategy | null): void {
  forced = strategy
}

/**
 * Input gradient of a 2D convolution, i.e. the transposed convolution (kernel
 * `Conv2DBackpropInput`, dilation 1), through stride-1 `Conv2D`s of the backend.
 *
 * With y + padTop = q*s + r, only filter rows a = r, r+s, r+2s, ... reach output row y, from dy
 * rows q, q-1, q-2, ...: each output phase (y mod s) is a stride-1 correlation of dy with a
 * sub-filter of the flipped kernel, and the phases interleave into dx (depth-to-space style).
 * Either one convolution per phase (`perPhase`) or all phases stacked along the output channels
 * of one convolution (`stacked`), whichever costs fewer tiled multiply-adds.
 */
export function transposedConvViaPhases(
  runner: KernelRunner,
  dy: TensorInfo,
  filter: TensorInfo,
  attrs: Conv2DBackpropInputAttrs,
): TensorInfo {
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs
  const info = backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  )
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info
  const { filterHeight, filterWidth, strideHeight: sh, strideWidth: sw } = info
  const { top, left } = info.padInfo
  const channelsFirst = info.dataFormat === 'channelsFirst'
  if (channelsFirst) dy = runner.transpose(dy, [0, 2, 3, 1])

  if (batchSize * inHeight * inWidth * inChannels * outChannels === 0) {
    return runner.keep(runner.zeros(inputShape))
  }
  const g: Geometry = {
    ...{ batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels },
    ...{ filterHeight, filterWidth, sh, sw, top, left },
  }
  const strategy = forced ?? (perPhaseCost(g) < stackedCost(g) ? 'perPhase' : 'stacked')
  // The filter is small: its phase sub-filters are cut in JS (wasm's rank-6 transpose and
  // reverse are scalar loops that cost more than the convolution for the benchmark's layers),
  // and kept for a filter used again (decoding), so the backend's packed weights are reused.
  const key = `${strategy} ${sh} ${sw} ${top} ${left}`
  const filters = cachedSubFilters(runner, filter, key, (w) =>
    strategy === 'perPhase' ? perPhaseFilterValues(w, g) : [stackedFilterValues(w, g)],
  )
  let dx =
    strategy === 'perPhase' ? perPhase(runner, dy, filters, g) : stacked(runner, dy, filters[0], g)
  if (channelsFirst) dx = runner.transpose(dx, [0, 3, 1, 2])
  return runner.keep(dx)
}

interface Geometry {
  batchSize: number
  inHeight: number
  inWidth: number
  inChannels: number
  outHeight: number
  outWidth: number
  outChannels: number
  filterHeight: number
  filterWidth: number
  sh: number
  sw: number
  top: number
  left: number
}

/** The dy rows [first, last] one phase convolution reads: what is cropped, what zero-padded. */
interface Window {
  cropStart: number
  cropSize: number
  padBefore: number
  padAfter: number
}

function window(first: number, last: number, dySize: number): Window {
  const cropStart = Math.max(0, first)
  return {
    cropStart,
    cropSize: Math.min(dySize - 1, last) - cropStart + 1,
    padBefore: Math.max(0, -first),
    padAfter: Math.max(0, last - (dySize - 1)),
  }
}

/** Stride-1 Conv2D of the dy rows/cols in `rows` x `cols` (zeros where nothing is read). */
function phaseConv(
  runner: KernelRunner,
  dy: TensorInfo,
  filter: TensorInfo,
  rows: Window,
  cols: Window,
  outShape: number[],
): TensorInfo {
  if (rows.cropSize <= 0 || cols.cropSize <= 0) return runner.zeros(outShape)
  const [n, , , co] = dy.shape
  const x = runner.slice(
    dy,
    [0, rows.cropStart, cols.cropStart, 0],
    [n, rows.cropSize, cols.cropSize, co],
  )
  const out = runner.run(
    'Conv2D',
    { x, filter },
    {
      strides: [1, 1],
      dilations: [1, 1],
      pad: [
        [0, 0],
        [rows.padBefore, rows.padAfter],
        [cols.padBefore, cols.padAfter],
        [0, 0],
      ],
      dataFormat: 'NHWC',
    },
  )
  if (out.shape.some((d, i) => d !== outShape[i])) {
    throw new Error(`transposed conv: phase output ${out.shape}, expected ${outShape}`)
  }
  return out
}

/** Multiply-adds as XNNPACK pays them: output channels round up to its 8-wide tiles. */
const tiles = (channels: number): number => Math.ceil(channels / 8) * 8

interface AxisPhase {
  /** Filter tap the phase starts from (taps r, r + s, r + 2s, ...). */
  r: number
  /** How many taps reach it. */
  taps: number
  /** Offset of its dy window: output q reads dy rows q + shift - taps + 1 .. q + shift. */
  shift: number
}

function axisPhase(t: number, pad: number, stride: number, filterSize: number): AxisPhase {
  const r = (t + pad) % stride
  const taps = r < filterSize ? Math.ceil((filterSize - r) / stride) : 0
  return { r, taps, shift: Math.floor((t + pad) / stride) }
}

/**
 * One convolution per output phase (y mod sh, x mod sw), each with its own dy window and only
 * its own taps, so nothing is computed twice or thrown away; the phases are interleaved with two
 * concats. Best when the output has many channels.
 */
function perPhase(
  runner: KernelRunner,
  dy: TensorInfo,
  filters: Array<TensorInfo | null>,
  g: Geometry,
): TensorInfo {
  const { batchSize: n, inHeight, inWidth, inChannels: ci, sh, sw } = g
  const qh = Math.ceil(inHeight / sh)
  const qw = Math.ceil(inWidth / sw)
  const rowsOfPhases: TensorInfo[] = []
  for (let ty = 0; ty < sh; ty++) {
    const py = axisPhase(ty, g.top, sh, g.filterHeight)
    const rows = window(py.shift - py.taps + 1, qh - 1 + py.shift, g.outHeight)
    const phases: TensorInfo[] = []
    for (let tx = 0; tx < sw; tx++) {
      const px = axisPhase(tx, g.left, sw, g.filterWidth)
      const cols = window(px.shift - px.taps + 1, qw - 1 + px.shift, g.outWidth)
      const outShape = [n, qh, qw, ci]
      const filter = filters[ty * sw + tx]
      if (filter === null) {
        phases.push(runner.zeros(outShape))
        continue
      }
      phases.push(phaseConv(runner, dy, filter, rows, cols, outShape))
    }
    const row =
      sw === 1
        ? phases[0]
        : runner.run('Concat', phases as unknown as NamedTensorInfoMap, { axis: 3 })
    rowsOfPhases.push(runner.reshape(row, [n * qh, 1, qw * sw * ci]))
  }
  const all =
    sh === 1
      ? rowsOfPhases[0]
      : runner.run('Concat', rowsOfPhases as unknown as NamedTensorInfoMap, { axis: 1 })
  const interleaved = runner.reshape(all, [n, qh * sh, qw * sw, ci])
  return runner.slice(interleaved, [0, 0, 0, 0], [n, inHeight, inWidth, ci])
}

/** The per-phase sub-filters [taps_y, taps_x, Co, Ci] in phase order (null: no tap reaches it). */
function perPhaseFilterValues(w: Float32Array, g: Geometry): Array<SubFilter | null> {
  const { inChannels: ci, outChannels: co, sh, sw } = g
  const out: Array<SubFilter | null> = []
  for (let ty = 0; ty < sh; ty++) {
    const py = axisPhase(ty, g.top, sh, g.filterHeight)
    for (let tx = 0; tx < sw; tx++) {
      const px = axisPhase(tx, g.left, sw, g.filterWidth)
      if (py.taps === 0 || px.taps === 0) {
        out.push(null)
        continue
      }
      const sub = new Float32Array(py.taps * px.taps * co * ci)
      let o = 0
      for (let m = 0; m < py.taps; m++) {
        const a = py.r + (py.taps - 1 - m) * sh
        for (let mm = 0; mm < px.taps; mm++) {
          const b = px.r + (px.taps - 1 - mm) * sw
          const base = (a * g.filterWidth + b) * ci * co
          for (let c = 0; c < co; c++) for (let i = 0; i < ci; i++) sub[o++] = w[base + i * co + c]
        }
      }
      out.push({ values: sub, shape: [py.taps, px.taps, co, ci] })
    }
  }
  return out
}

function perPhaseCost(g: Geometry): number {
  let cost = 0
  for (let ty = 0; ty < g.sh; ty++)
    for (let tx = 0; tx < g.sw; tx++)
      cost +=
        axisPhase(ty, g.top, g.sh, g.filterHeight).taps *
        axisPhase(tx, g.left, g.sw, g.filterWidth).taps
  return cost * Math.ceil(g.inHeight / g.sh) * Math.ceil(g.inWidth / g.sw) * tiles(g.inChannels)
}

/** The range of q = floor((y + pad) / s) over output rows y, for the stacked convolution. */
function stackedRange(pad: number, size: number, stride: number): { q0: number; qEnd: number } {
  return { q0: Math.floor(pad / stride), qEnd: Math.ceil((pad + size) / stride) }
}

function stackedCost(g: Geometry): number {
  const rows = stackedRange(g.top, g.inHeight, g.sh)
  const cols = stackedRange(g.left, g.inWidth, g.sw)
  const taps = Math.ceil(g.filterHeight / g.sh) * Math.ceil(g.filterWidth / g.sw)
  return (rows.qEnd - rows.q0) * (cols.qEnd - cols.q0) * taps * tiles(g.sh * g.sw * g.inChannels)
}

/**
 * All phases in ONE convolution: their sub-filters, zero-padded to K = ceil(f/s) taps, stacked
 * along the output channels (filter [Kh, Kw, Co, sh*sw*Ci]); one transpose interleaves them and
 * a slice crops the rows no output needs. Best when the output has few channels (an RGB layer).
 */
function stacked(
  runner: KernelRunner,
  dy: TensorInfo,
  filter: TensorInfo | null,
  g: Geometry,
): TensorInfo {
  const { batchSize: n, inChannels: ci, sh, sw, filterHeight: fh, filterWidth: fw } = g
  if (filter === null) throw new Error('transposed conv: stacked strategy without its filter')
  const kh = Math.ceil(fh / sh)
  const kw = Math.ceil(fw / sw)
  const rowRange = stackedRange(g.top, g.inHeight, sh)
  const colRange = stackedRange(g.left, g.inWidth, sw)
  const rows = window(rowRange.q0 - kh + 1, rowRange.qEnd - 1, g.outHeight)
  const cols = window(colRange.q0 - kw + 1, colRange.qEnd - 1, g.outWidth)
  const qh = rowRange.qEnd - rowRange.q0
  const qw = colRange.qEnd - colRange.q0

  const phaseChannels = sh * sw * ci
  const phases = phaseConv(runner, dy, filter, rows, cols, [n, qh, qw, phaseChannels])

  // [N*qh, qw, sh, sw*Ci] -> [N*qh, sh, qw, sw*Ci] is [N, qh*sh, qw*sw, Ci].
  const split = runner.reshape(phases, [n * qh, qw, sh, sw * ci])
  const moved = sh === 1 || qw === 1 ? split : runner.transpose(split, [0, 2, 1, 3])
  const interleaved = runner.reshape(moved, [n, qh * sh, qw * sw, ci])
  return runner.slice(
    interleaved,
    [0, g.top - rowRange.q0 * sh, g.left - colRange.q0 * sw, 0],
    [n, g.inHeight, g.inWidth, ci],
  )
}

/** The stacked filter [Kh, Kw, Co, sh*sw*Ci] of every phase's sub-filter, zero-padded to K taps. */
function stackedFilterValues(w: Float32Array, g: Geometry): SubFilter {
  const { inChannels: ci, outChannels: co, sh, sw, filterHeight: fh, filterWidth: fw } = g
  const kh = Math.ceil(fh / sh)
  const kw = Math.ceil(fw / sw)
  // out[m, m', c, (ry*sw + rx)*Ci + i] = w[ry + (kh-1-m)*sh, rx + (kw-1-m')*sw, i, c], 0 outside.
  const phaseChannels = sh * sw * ci
  const stackedFilter = new Float32Array(kh * kw * co * phaseChannels)
  for (let m = 0; m < kh; m++)
    for (let mm = 0; mm < kw; mm++)
      for (let ry = 0; ry < sh; ry++) {
        const a = ry + (kh - 1 - m) * sh
        if (a >= fh) continue
        for (let rx = 0; rx < sw; rx++) {
          const b = rx + (kw - 1 - mm) * sw
          if (b >= fw) continue
          const from = (a * fw + b) * ci * co
          const to = (m * kw + mm) * co * phaseChannels + (ry * sw + rx) * ci
          for (let c = 0; c < co; c++)
            for (let i = 0; i < ci; i++)
              stackedFilter[to + c * phaseChannels + i] = w[from + i * co + c]
        }
      }
  return { values: stackedFilter, shape: [kh, kw, co, phaseChannels] }
}
