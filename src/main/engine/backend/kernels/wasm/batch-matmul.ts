import type { TensorInfo } from '@tensorflow/tfjs-core'
import type { ProjectKernelImpl } from '../register'

/**
 * wasm's `BatchMatMul` leaves its fast (XNNPACK) path when a transpose flag is set, which every
 * dense-layer gradient does: transpose the flagged operand explicitly, then multiply plainly.
 */
export const wasmBatchMatMul: ProjectKernelImpl = (runner, inputs, attrs, original) => {
  if (original === undefined) throw new Error('wasm backend has no BatchMatMul kernel to wrap')
  let a = inputs.a as TensorInfo
  let b = inputs.b as TensorInfo
  const transposeA = attrs.transposeA === true
  const transposeB = attrs.transposeB === true
  if (transposeA) a = runner.transpose(a, swapLastTwo(a.shape.length))
  if (transposeB) b = runner.transpose(b, swapLastTwo(b.shape.length))
  const out = runner.runConfig(original, { a, b }, { transposeA: false, transposeB: false })
  return runner.keep(out)
}

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i)
  perm[rank - 2] = rank - 1
  perm[rank - 1] = rank - 2
  return perm
}
