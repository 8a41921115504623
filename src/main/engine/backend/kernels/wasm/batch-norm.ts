import { util } from '@tensorflow/tfjs-core'
import type { TensorInfo } from '@tensorflow/tfjs-core'
import { gemmElementwise } from '../../gemm'
import type { ProjectKernelImpl } from '../register'

/**
 * wasm's `FusedBatchNorm` is a scalar loop (~8 ms for [64, 32, 32, 32]): one threaded SIMD pass
 * while the project's kernels run, for float32 channels-last input whose statistics are one value
 * per channel and whose channels are a multiple of 4 (the default model's); else wasm's own.
 */
export const wasmBatchNorm: ProjectKernelImpl = (runner, inputs, attrs, original) => {
  if (original === undefined) throw new Error('wasm backend has no FusedBatchNorm kernel to wrap')
  const elementwise = gemmElementwise()
  const x = inputs.x as TensorInfo
  const channels = x.shape[x.shape.length - 1] ?? 0
  const perChannel = (name: string): Float32Array | null | undefined => {
    const t = inputs[name] as TensorInfo | undefined
    if (t === undefined || t === null) return undefined
    if (t.dtype !== 'float32' || util.sizeFromShape(t.shape) !== channels) return null
    return runner.backend.readSync(t.dataId) as Float32Array
  }
  const [mean, variance, scale, offset] = ['mean', 'variance', 'scale', 'offset'].map(perChannel)
  if (
    elementwise === null ||
    x.dtype !== 'float32' ||
    channels % 4 !== 0 ||
    [mean, variance, scale, offset].includes(null) ||
    mean === undefined ||
    variance === undefined
  ) {
    return runner.keep(runner.runConfig(original, inputs, attrs))
  }
  const stats = {
    mean: mean as Float32Array,
    variance: variance as Float32Array,
    scale: scale ?? new Float32Array(channels).fill(1),
    offset: offset ?? new Float32Array(channels),
  }
  return elementwise.batchNorm(x, stats, (attrs.varianceEpsilon as number | undefined) ?? 0.001)
}
