import type { NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core'
import { gemmConv } from '../../gemm'
import type { ProjectKernelImpl } from '../register'
import { biasAndActivation, type FusedAttrs } from './fused-activation'

/**
 * wasm's `BatchMatMul` leaves its fast (XNNPACK) path when a transpose flag is set, which every
 * dense-layer gradient does, and XNNPACK repacks the second operand on every call. A product of
 * one batch runs on the relaxed-SIMD kernels when they run (`a` transposed explicitly when
 * flagged, `b` read transposed by its packing, kept for weights used again); otherwise the
 * flagged operands are transposed explicitly and wasm's plain product runs.
 */
export const wasmBatchMatMul: ProjectKernelImpl = (runner, inputs, attrs, original) => {
  if (original === undefined) throw new Error('wasm backend has no BatchMatMul kernel to wrap')
  let a = inputs.a as TensorInfo
  let b = inputs.b as TensorInfo
  const transposeA = attrs.transposeA === true
  const transposeB = attrs.transposeB === true
  if (transposeA) a = runner.transpose(a, swapLastTwo(a.shape.length))
  const gemm = gemmConv()
  if (gemm !== null && oneBatch(a, b)) return gemm.matMul(a, b, transposeB)
  if (transposeB) b = runner.transpose(b, swapLastTwo(b.shape.length))
  const out = runner.runConfig(original, { a, b }, { transposeA: false, transposeB: false })
  return runner.keep(out)
}

/**
 * `_FusedMatMul` (a dense layer's forward pass; wasm's own is wrong with both transpose flags on
 * several batches): the product above, then wasm's bias add and activation.
 */
export const wasmFusedMatMul: ProjectKernelImpl = (runner, inputs, attrs) => {
  const { transposeA, transposeB } = attrs
  const y = runner.run('BatchMatMul', { a: inputs.a, b: inputs.b } as NamedTensorInfoMap, {
    transposeA,
    transposeB,
  })
  return biasAndActivation(runner, y, inputs, attrs as unknown as FusedAttrs)
}

function oneBatch(a: TensorInfo, b: TensorInfo): boolean {
  return (
    a.shape.length === 3 &&
    b.shape.length === 3 &&
    a.shape[0] === 1 &&
    b.shape[0] === 1 &&
    a.dtype === 'float32' &&
    b.dtype === 'float32'
  )
}

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i)
  perm[rank - 2] = rank - 1
  perm[rank - 1] = rank - 2
  return perm
}
