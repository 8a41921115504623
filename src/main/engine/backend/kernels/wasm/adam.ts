import * as tf from '@tensorflow/tfjs-core'
import type { NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core'
import { gemmElementwise, type AdamStep } from '../../gemm'

/** The kernel of one Adam step of a variable (wasm only): outputs [value, m, v]. */
export const ADAM_STEP = 'AtelierAdamStep'

/** Registers it (see train/adam.ts); idempotent. */
export function registerAdamStep(): void {
  if (tf.getKernel(ADAM_STEP, 'wasm') !== undefined) return
  tf.registerKernel({
    kernelName: ADAM_STEP,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs }) => {
      const elementwise = gemmElementwise()
      if (elementwise === null) throw new Error(`${ADAM_STEP} needs the relaxed-SIMD kernels`)
      const { value, m, v, gradient } = inputs as NamedTensorInfoMap
      return elementwise.adam(
        value as TensorInfo,
        m as TensorInfo,
        v as TensorInfo,
        gradient as TensorInfo,
        attrs as unknown as AdamStep,
      )
    },
  })
}
