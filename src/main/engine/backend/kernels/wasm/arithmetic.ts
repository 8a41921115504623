import type { TensorInfo } from '@tensorflow/tfjs-core'
import { gemmElementwise } from '../../gemm'
import type { BinaryOp } from '../../gemm/wat'
import type { ProjectKernelImpl } from '../register'

/**
 * wasm's `Add`, `Sub`, `Multiply` and `RealDiv` run on one thread, and broadcast with a scalar
 * loop (~5 ms to add a 3-channel bias to [64, 64, 64, 3]). While the project's kernels run,
 * float32 operands of one shape, or a scalar or a last-axis vector against a tensor, take one
 * threaded SIMD pass; anything else goes to wasm's own kernel.
 */
function arithmetic(op: BinaryOp): ProjectKernelImpl {
  return (runner, inputs, attrs, original) => {
    if (original === undefined) throw new Error(`wasm backend has no ${op} kernel to wrap`)
    const result = gemmElementwise()?.binary(op, inputs.a as TensorInfo, inputs.b as TensorInfo)
    return result ?? runner.keep(runner.runConfig(original, inputs, attrs))
  }
}

export const wasmAdd = arithmetic('add')
export const wasmSub = arithmetic('sub')
export const wasmMultiply = arithmetic('mul')
export const wasmRealDiv = arithmetic('div')
