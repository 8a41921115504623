import type { Conv2DBackpropInputAttrs, TensorInfo } from '@tensorflow/tfjs-core'
import { transposedConvViaPhases } from '../transposed-conv'
import type { ProjectKernelImpl } from '../register'

/**
 * wasm's own `Conv2DBackpropInput` (conv2dTranspose forward, conv input gradient) is a scalar
 * loop; this one is one stride-1 wasm (XNNPACK) `Conv2D` over the stacked stride phases.
 */
export const wasmConv2DBackpropInput: ProjectKernelImpl = (runner, inputs, attrs) =>
  transposedConvViaPhases(
    runner,
    inputs.dy as TensorInfo,
    inputs.filter as TensorInfo,
    attrs as unknown as Conv2DBackpropInputAttrs,
  )
