import { util } from '@tensorflow/tfjs-core'
import type { TensorInfo } from '@tensorflow/tfjs-core'
import { gemmElementwise } from '../../gemm'
import type { ProjectKernelImpl } from '../register'

/** Below this many channels the ones-vector product loses to wasm's own reduction. */
const MIN_CHANNELS = 8

/**
 * The rows reduced when `axis` are all the leading axes of a float32 `x` with enough channels
 * (what the fast paths here handle), else null.
 */
function leadingRows(x: TensorInfo, axis: number | number[]): number | null {
  const rank = x.shape.length
  const axes = util.parseAxisParam(axis, x.shape)
  const channels = x.shape[rank - 1] ?? 0
  const leading =
    rank >= 2 &&
    axes.length === rank - 1 &&
    [...axes].sort((a, b) => a - b).every((a, i) => a === i)
  const rows = util.sizeFromShape(x.shape) / Math.max(channels, 1)
  return x.dtype === 'float32' && leading && channels >= MIN_CHANNELS && rows > 0 ? rows : null
}

/**
 * wasm's `Sum` over leading axes (every conv bias gradient: dy [N, H, W, C] -> [C]) transposes
 * the input first with a scalar loop. Where the project's kernels run (and C is a multiple of
 * 4), one threaded SIMD pass sums the rows. Otherwise a rank-4 input [N, H, W, C] is averaged per
 * image by XNNPACK's pooling (scaled back by H*W; the N x C rest by wasm's Sum): ~1 ms for the
 * benchmark's [64, 32, 32, 32], against ~12 ms for ones[1, M] x dy[M, C] on XNNPACK, whose
 * matmul packs its second operand (all of dy, new every step) before multiplying; that product
 * still serves the other ranks. Anything else goes to wasm's own kernel.
 */
export const wasmSum: ProjectKernelImpl = (runner, inputs, attrs, original) => {
  if (original === undefined) throw new Error('wasm backend has no Sum kernel to wrap')
  const x = inputs.x as TensorInfo
  const rows = leadingRows(x, attrs.axis as number | number[])
  if (rows === null) return runner.keep(runner.runConfig(original, inputs, attrs))
  const rank = x.shape.length
  const channels = x.shape[rank - 1] as number
  const shape = attrs.keepDims === true ? [...Array(rank - 1).fill(1), channels] : [channels]
  const elementwise = gemmElementwise()
  if (elementwise !== null && channels % 4 === 0) {
    // One threaded SIMD pass over the rows, where the project's kernels run.
    return runner.keep(
      runner.reshape(runner.adopt(elementwise.columnSum(x, rows, channels)), shape),
    )
  }
  if (rank === 4) {
    // [N, H, W, C]: XNNPACK's average pooling over each image (it never repacks, unlike the
    // matmul's weights operand, which would be the whole of dy), times H*W, then N rows summed.
    const [n, h, w] = x.shape as [number, number, number, number]
    const means = runner.run(
      'AvgPool',
      { x },
      { filterSize: [h, w], strides: [h, w], pad: 'valid' },
    )
    const count = runner.fromValues(Float32Array.of(h * w), [])
    const sums = runner.run('Multiply', { a: runner.reshape(means, [n, channels]), b: count })
    const total = n === 1 ? sums : runner.runConfig(original, { x: sums }, { axis: [0] })
    return runner.keep(runner.reshape(total, shape))
  }
  const ones = runner.run('Fill', {}, { shape: [1, 1, rows], value: 1, dtype: 'float32' })
  const flat = runner.reshape(x, [1, rows, channels])
  const product = runner.run(
    'BatchMatMul',
    { a: ones, b: flat },
    { transposeA: false, transposeB: false },
  )
  return runner.keep(runner.reshape(product, shape))
}

/**
 * wasm's `Mean` over leading axes (batch norm's statistics and their gradients) transposes first
 * just as its `Sum` does (~10 ms for [64, 32, 32, 32]): the sum above, scaled.
 */
export const wasmMean: ProjectKernelImpl = (runner, inputs, attrs, original) => {
  if (original === undefined) throw new Error('wasm backend has no Mean kernel to wrap')
  const x = inputs.x as TensorInfo
  const rows = leadingRows(x, attrs.axis as number | number[])
  if (rows === null) return runner.keep(runner.runConfig(original, inputs, attrs))
  const sum = runner.run('Sum', { x }, attrs)
  const scale = runner.fromValues(Float32Array.of(1 / rows), [])
  return runner.keep(runner.run('Multiply', { a: sum, b: scale }))
}
