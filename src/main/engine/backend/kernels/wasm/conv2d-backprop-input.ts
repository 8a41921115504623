import type { Conv2DBackpropInputAttrs, TensorInfo } from '@tensorflow/tfjs-core'
import { gemmConvFor } from '../../gemm'
import { transposedConvViaPhases } from '../transposed-conv'
import { convInfo } from '../conv-info'
import type { ProjectKernelImpl } from '../register'

/**
 * wasm's own `Conv2DBackpropInput` (conv2dTranspose forward, conv input gradient) is a scalar
 * loop; this one runs on the relaxed-SIMD kernels when they run, else as one stride-1 wasm
 * (XNNPACK) `Conv2D` over the stacked stride phases.
 */
export const wasmConv2DBackpropInput: ProjectKernelImpl = (runner, inputs, attrs) => {
  const dy = inputs.dy as TensorInfo
  const filter = inputs.filter as TensorInfo
  const a = attrs as unknown as Conv2DBackpropInputAttrs
  const info = convInfo(a.inputShape, filter.shape, a)
  const gemm = gemmConvFor(info)
  if (gemm !== null) return gemm.conv2dBackpropInput(dy, filter, info)
  return transposedConvViaPhases(runner, dy, filter, a)
}
