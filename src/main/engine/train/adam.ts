import * as tf from '@tensorflow/tfjs-core'
import { ADAM_STEP } from '../backend/kernels/wasm/adam'
import { gemmElementwise } from '../backend/gemm'

/** What `tf.AdamOptimizer` keeps to itself and a subclass needs. */
interface AdamState {
  accBeta1: tf.Variable
  accBeta2: tf.Variable
  accumulatedFirstMoment: Array<{ originalName: string; variable: tf.Variable } | undefined>
  accumulatedSecondMoment: Array<{ originalName: string; variable: tf.Variable } | undefined>
}

/**
 * tfjs's Adam (same state, same weights in checkpoints), whose step per variable is one threaded
 * pass of the project's wasm kernel where it runs, instead of about twelve single-threaded ops
 * (~15 ms of the benchmark's training step). Elsewhere it is tfjs's own step.
 */
export class Adam extends tf.AdamOptimizer {
  constructor(learningRate: number) {
    super(learningRate, 0.9, 0.999)
  }

  override applyGradients(gradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    if (tf.getBackend() !== 'wasm' || gemmElementwise() === null) {
      super.applyGradients(gradients)
      return
    }
    const state = this as unknown as AdamState
    const named: Array<{ name: string; tensor: tf.Tensor | undefined }> = Array.isArray(gradients)
      ? gradients
      : Object.entries(gradients).map(([name, tensor]) => ({ name, tensor }))
    const [accBeta1, accBeta2] = [state.accBeta1, state.accBeta2].map(
      (acc) => acc.dataSync()[0] as number,
    ) as [number, number]
    const attrs = {
      beta1: this.beta1,
      beta2: this.beta2,
      c1: 1 / (1 - accBeta1),
      c2: 1 / (1 - accBeta2),
      epsilon: this.epsilon,
      rate: this.learningRate,
    }
    tf.tidy(() => {
      named.forEach(({ name, tensor: gradient }, i) => {
        const value = tf.engine().registeredVariables[name] as tf.Variable
        const moment = (which: 'm' | 'v') => {
          const slots = which === 'm' ? state.accumulatedFirstMoment : state.accumulatedSecondMoment
          slots[i] ??= {
            originalName: `${name}/${which}`,
            variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
          }
          return slots[i].variable
        }
        const [m, v] = [moment('m'), moment('v')]
        if (gradient == null) return
        const [newValue, newM, newV] = tf
          .engine()
          .runKernel(ADAM_STEP, { value, m, v, gradient }, attrs) as tf.Tensor[]
        m.assign(newM as tf.Tensor)
        v.assign(newV as tf.Tensor)
        value.assign(newValue as tf.Tensor)
      })
      state.accBeta1.assign(tf.mul(state.accBeta1, this.beta1))
      state.accBeta2.assign(tf.mul(state.accBeta2, this.beta2))
    })
    this.incrementIterations()
  }
}
