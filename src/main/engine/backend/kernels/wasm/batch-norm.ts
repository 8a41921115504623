import * as tf from '@tensorflow/tfjs-core'
import { util } from '@tensorflow/tfjs-core'
// Registers tfjs's own gradients (see model/loss.ts), so that the one below wraps batch norm's.
import '@tensorflow/tfjs-layers'
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

/**
 * Batch norm's gradient in two threaded passes where the project's kernels run: one for the
 * input's gradient (`dy * scale / sqrt(variance + eps)`, as a batch norm of dy), one summing `dy`
 * and `(x - mean) * dy` per channel, from which the statistics', scale's and offset's gradients
 * follow. tfjs's makes about a dozen full-size passes (~60 ms of the default model's step);
 * tfjs's own runs for anything else (statistics not one per channel, channels not a multiple of
 * 4, other backends). Idempotent.
 */
export function registerBatchNormGradient(): void {
  const tfjs = tf.getGradient(tf.FusedBatchNorm)
  if (tfjs === undefined || (tfjs as { [OURS]?: true })[OURS] === true) return
  const config = {
    kernelName: tf.FusedBatchNorm,
    inputsToSave: ['x', 'mean', 'variance', 'scale'],
    [OURS]: true,
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
      const [x, mean, variance, scale] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor?]
      const grad = dy as tf.Tensor
      const elementwise = gemmElementwise()
      const channels = x.shape[x.shape.length - 1] ?? 0
      const perChannel = (t: tf.Tensor | undefined): boolean =>
        t === undefined || (t.rank === 1 && t.size === channels && t.dtype === 'float32')
      if (
        tf.getBackend() !== 'wasm' ||
        elementwise === null ||
        x.dtype !== 'float32' ||
        channels % 4 !== 0 ||
        ![mean, variance, scale].every(perChannel)
      ) {
        return tfjs.gradFunc(dy, saved, attrs)
      }
      const epsilon = (attrs.varianceEpsilon as number | undefined) ?? 0.001
      const m = mean.dataSync() as Float32Array
      const gamma = scale === undefined ? new Float32Array(channels).fill(1) : scale.dataSync()
      const rsqrt = (variance.dataSync() as Float32Array).map((v) => 1 / Math.sqrt(v + epsilon))
      let sums: ReturnType<typeof elementwise.batchNormSums> | null = null
      const sum = (which: 'dy' | 'centredDy'): Float32Array => {
        sums ??= elementwise.batchNormSums(x, grad, m)
        return sums[which]
      }
      const vector = (f: (c: number) => number): tf.Tensor =>
        tf.tensor1d(Float32Array.from({ length: channels }, (_, c) => f(c)))
      const at = (values: ArrayLike<number>, c: number): number => values[c] as number
      return {
        x: () => tf.batchNorm(grad, tf.zeros([channels]), variance, undefined, scale, epsilon),
        mean: () => vector((c) => -at(rsqrt, c) * at(gamma, c) * at(sum('dy'), c)),
        variance: () =>
          vector((c) => -0.5 * at(rsqrt, c) ** 3 * at(gamma, c) * at(sum('centredDy'), c)),
        scale: () => vector((c) => at(rsqrt, c) * at(sum('centredDy'), c)),
        offset: () => vector((c) => at(sum('dy'), c)),
      }
    },
  }
  tf.registerGradient(config as tf.GradConfig)
}

/** Marks the gradient registered here, so that registering twice keeps tfjs's as the fallback. */
const OURS = Symbol.for('latent-atelier.batch-norm-gradient')
