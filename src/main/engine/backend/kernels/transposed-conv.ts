import { backend_util } from '@tensorflow/tfjs-core'
import type { Conv2DBackpropInputAttrs, TensorInfo } from '@tensorflow/tfjs-core'
import type { KernelRunner } from './kernel-runner'

/**
 * Input gradient of a 2D convolution, i.e. the transposed convolution (kernel
 * `Conv2DBackpropInput`, dilation 1), as ONE stride-1 `Conv2D` plus a depth-to-space interleave.
 *
 * With Y = y + padTop = q*s + r, only filter rows a = r, r+s, r+2s, ... reach output row y, from
 * dy rows q, q-1, q-2, ...: each phase r is a stride-1 correlation of dy with a sub-filter of the
 * row-reversed kernel. All s*s phases share the same dy window, so their sub-filters (zero-padded
 * to K = ceil(f/s) taps) are stacked along the output channels: filter [Kh, Kw, Co, sh*sw*Ci].
 * The result [N, Q, Q', sh*sw*Ci] is interleaved to [N, Q*sh, Q'*sw, Ci] and cropped.
 * FLOPs equal the direct method's when s divides f (the benchmark model's 4x4 stride 2).
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

  const kh = Math.ceil(filterHeight / sh)
  const kw = Math.ceil(filterWidth / sw)
  // Output rows y in [0, H) have Y = y + top in [q0*sh, qEnd*sh): the phase conv computes q in
  // [q0, qEnd) from dy rows [q0 - kh + 1, qEnd - 1]; rows outside dy are zero padding.
  const rows = phaseWindow(top, inHeight, sh, kh, outHeight)
  const cols = phaseWindow(left, inWidth, sw, kw, outWidth)

  const empty = batchSize * inHeight * inWidth * inChannels * outChannels === 0
  if (empty || rows.cropSize <= 0 || cols.cropSize <= 0) {
    return runner.keep(runner.zeros(inputShape)) // no dy value reaches the input
  }
  const dyWindow = runner.slice(
    dy,
    [0, rows.cropStart, cols.cropStart, 0],
    [batchSize, rows.cropSize, cols.cropSize, outChannels],
  )

  const phaseFilter = stackPhaseFilters(runner, filter, sh, sw, kh, kw)
  const phases = runner.run(
    'Conv2D',
    { x: dyWindow, filter: phaseFilter },
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
  ) // [N, qEnd - q0, qEnd' - q0', sh*sw*Ci]
  const qh = rows.qEnd - rows.q0
  const qw = cols.qEnd - cols.q0
  if (phases.shape[1] !== qh || phases.shape[2] !== qw) {
    throw new Error(`transposed conv: phase output ${phases.shape}, expected ${qh}x${qw}`)
  }

  let interleaved: TensorInfo
  if (sh === 1 && sw === 1) {
    interleaved = phases
  } else if (sh === sw) {
    interleaved = runner.run('DepthToSpace', { x: phases }, { blockSize: sh, dataFormat: 'NHWC' })
  } else {
    const split = runner.reshape(phases, [batchSize, qh, qw, sh, sw, inChannels])
    const moved = runner.transpose(split, [0, 1, 3, 2, 4, 5])
    interleaved = runner.reshape(moved, [batchSize, qh * sh, qw * sw, inChannels])
  }
  let dx = runner.slice(
    interleaved,
    [0, top - rows.q0 * sh, left - cols.q0 * sw, 0],
    [batchSize, inHeight, inWidth, inChannels],
  )
  if (channelsFirst) dx = runner.transpose(dx, [0, 3, 1, 2])
  return runner.keep(dx)
}

interface PhaseWindow {
  q0: number
  qEnd: number
  cropStart: number
  cropSize: number
  padBefore: number
  padAfter: number
}

/** Which dy rows one spatial axis of the phase convolution reads, and how they are padded. */
function phaseWindow(
  padStart: number,
  inSize: number,
  stride: number,
  taps: number,
  dySize: number,
): PhaseWindow {
  const q0 = Math.floor(padStart / stride)
  const qEnd = Math.ceil((padStart + inSize) / stride)
  const first = q0 - taps + 1
  const last = qEnd - 1
  const cropStart = Math.max(0, first)
  const cropEnd = Math.min(dySize - 1, last)
  return {
    q0,
    qEnd,
    cropStart,
    cropSize: cropEnd - cropStart + 1,
    padBefore: Math.max(0, -first),
    padAfter: Math.max(0, last - (dySize - 1)),
  }
}

/**
 * [fh, fw, Ci, Co] -> [kh, kw, Co, sh*sw*Ci] with
 * out[m, m', co, (r*sw + r')*Ci + ci] = w[r + (kh-1-m)*sh, r' + (kw-1-m')*sw, ci, co] (0 outside).
 */
function stackPhaseFilters(
  runner: KernelRunner,
  filter: TensorInfo,
  sh: number,
  sw: number,
  kh: number,
  kw: number,
): TensorInfo {
  const [fh, fw, ci, co] = filter.shape
  const padded = runner.pad(filter, [
    [0, kh * sh - fh],
    [0, kw * sw - fw],
    [0, 0],
    [0, 0],
  ])
  const split = runner.reshape(padded, [kh, sh, kw, sw, ci, co])
  const flipped =
    kh === 1 && kw === 1 ? split : runner.run('Reverse', { x: split }, { dims: [0, 2] })
  const moved = runner.transpose(flipped, [0, 2, 5, 1, 3, 4])
  return runner.reshape(moved, [kh, kw, co, sh * sw * ci])
}
