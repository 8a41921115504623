import type { TensorInfo } from '@tensorflow/tfjs-core'
import type { ProjectKernelImpl } from '../register'

/**
 * wasm's `Identity` (every `clone`, e.g. each tensor the tape saves for the backward pass) copies
 * the data; tensors never change in place, so this one shares it, as the cpu backend does and as
 * wasm's own `Reshape` does: about 15 ms of copies per benchmark training step.
 */
export const wasmIdentity: ProjectKernelImpl = (runner, inputs) => {
  const x = inputs.x as TensorInfo
  runner.backend.incRef(x.dataId)
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype }
}
