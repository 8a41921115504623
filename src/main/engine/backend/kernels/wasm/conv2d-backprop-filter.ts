import type { Conv2DBackpropFilterAttrs, TensorInfo } from '@tensorflow/tfjs-core'
import { gemmConvFor } from '../../gemm'
import { filterGradientViaConv } from '../filter-gradient'
import { convInfo } from '../conv-info'
import type { ProjectKernelImpl } from '../register'

/**
 * wasm has no `Conv2DBackpropFilter` at all (training a conv net throws): this one runs on the
 * relaxed-SIMD kernels when they run, else as transposes around one dilated stride-1 wasm
 * (XNNPACK) `Conv2D`.
 */
export const wasmConv2DBackpropFilter: ProjectKernelImpl = (runner, inputs, attrs) => {
  const x = inputs.x as TensorInfo
  const dy = inputs.dy as TensorInfo
  const a = attrs as unknown as Conv2DBackpropFilterAttrs
  const info = convInfo(x.shape, a.filterShape, a)
  const gemm = gemmConvFor(info)
  if (gemm !== null) return gemm.conv2dBackpropFilter(x, dy, info)
  return filterGradientViaConv(runner, x, dy, a)
}
