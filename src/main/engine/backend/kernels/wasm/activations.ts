import * as tf from '@tensorflow/tfjs-core'
import type { NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core'
// Registers tfjs's own gradients (see model/loss.ts), so that the ones below replace two of them.
import '@tensorflow/tfjs-layers'
import { gemmElementwise } from '../../gemm'
import type { ProjectKernelImpl } from '../register'

/** The kernel of (leaky) ReLU's input gradient: wasm only; tfjs composes three ops instead. */
const LEAKY_RELU_GRAD = 'AtelierLeakyReluGrad'

/**
 * wasm's `LeakyRelu` is a scalar loop, and its `Relu` wakes XNNPACK's thread pool for each
 * call (~0.3 ms for a decoded image's 8K floats): one SIMD pass each while the project's
 * kernels run, threaded when large.
 */
function activation(apply: (x: TensorInfo, alpha: number) => TensorInfo | null): ProjectKernelImpl {
  return (runner, inputs, attrs, original) => {
    if (original === undefined) throw new Error('wasm backend has no such kernel to wrap')
    const x = inputs.x as TensorInfo
    const result = x.dtype === 'float32' ? apply(x, (attrs.alpha as number | undefined) ?? 0) : null
    return result ?? runner.keep(runner.runConfig(original, inputs, attrs))
  }
}

export const wasmRelu = activation((x) => gemmElementwise()?.relu(x) ?? null)
export const wasmLeakyRelu = activation(
  (x, alpha) => gemmElementwise()?.leakyRelu(x, alpha) ?? null,
)

/**
 * The gradients of ReLU and leaky ReLU in one threaded pass on wasm while the project's kernels
 * run (tfjs's make three single-threaded passes: ~15 ms of the benchmark's step, ~60 ms of the
 * default model's); tfjs's own everywhere else. Idempotent.
 */
export function registerActivationGradients(): void {
  if (tf.getKernel(LEAKY_RELU_GRAD, 'wasm') !== undefined) return
  tf.registerKernel({
    kernelName: LEAKY_RELU_GRAD,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs }) => {
      const elementwise = gemmElementwise()
      if (elementwise === null) throw new Error(`${LEAKY_RELU_GRAD} needs the project's kernels`)
      const { dy, x } = inputs as NamedTensorInfoMap
      const alpha = (attrs as { alpha?: number } | undefined)?.alpha ?? 0
      return elementwise.leakyReluGrad(dy as TensorInfo, x as TensorInfo, alpha)
    },
  })
  const gradient = (dy: tf.Tensor, x: tf.Tensor, alpha: number): tf.Tensor =>
    tf.getBackend() === 'wasm' && gemmElementwise() !== null && x.dtype === 'float32'
      ? (tf.engine().runKernel(LEAKY_RELU_GRAD, { dy, x }, { alpha }) as tf.Tensor)
      : tf.where(tf.greater(x, 0), dy, tf.mul(dy, alpha))
  tf.registerGradient({
    kernelName: tf.Relu,
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => gradient(dy as tf.Tensor, x as tf.Tensor, 0) }),
  })
  tf.registerGradient({
    kernelName: tf.LeakyRelu,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => ({
      x: () => gradient(dy as tf.Tensor, x as tf.Tensor, (attrs as { alpha: number }).alpha),
    }),
  })
}
