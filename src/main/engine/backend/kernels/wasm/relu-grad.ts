import * as tf from '@tensorflow/tfjs-core'
import type { NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core'
// Registers tfjs's own gradients (see model/loss.ts), so that the one below replaces ReLU's.
import '@tensorflow/tfjs-layers'
import { gemmElementwise } from '../../gemm'

/** The kernel of ReLU's input gradient (wasm only; tfjs has none, it composes three ops). */
const RELU_GRAD = 'AtelierReluGrad'

/**
 * ReLU's gradient in one threaded pass on wasm while the relaxed-SIMD kernels run (tfjs's
 * `dy * cast(step(x))` makes three single-threaded passes: ~15 ms of the benchmark's step);
 * tfjs's own composition on every other backend, and on wasm without them. Idempotent.
 */
export function registerReluGradient(): void {
  if (tf.getKernel(RELU_GRAD, 'wasm') !== undefined) return
  tf.registerKernel({
    kernelName: RELU_GRAD,
    backendName: 'wasm',
    kernelFunc: ({ inputs }) => {
      const elementwise = gemmElementwise()
      if (elementwise === null) throw new Error(`${RELU_GRAD} needs the relaxed-SIMD kernels`)
      const { dy, x } = inputs as NamedTensorInfoMap
      return elementwise.reluGrad(dy as TensorInfo, x as TensorInfo)
    },
  })
  tf.registerGradient({
    kernelName: tf.Relu,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as tf.Tensor[]
      const input = x as tf.Tensor
      const grad = dy as tf.Tensor
      return {
        x: () =>
          tf.getBackend() === 'wasm' && gemmElementwise() !== null && input.dtype === 'float32'
            ? (tf.engine().runKernel(RELU_GRAD, { dy: grad, x: input }) as tf.Tensor)
            : tf.mul(grad, tf.cast(tf.step(input), 'float32')),
      }
    },
  })
}
