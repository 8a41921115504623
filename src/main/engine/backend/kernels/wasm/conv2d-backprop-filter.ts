import type { Conv2DBackpropFilterAttrs, TensorInfo } from '@tensorflow/tfjs-core'
import { filterGradientViaConv } from '../filter-gradient'
import type { ProjectKernelImpl } from '../register'

/**
 * wasm has no `Conv2DBackpropFilter` at all (training a conv net throws): this one runs as
 * transposes around one dilated stride-1 wasm (XNNPACK) `Conv2D`.
 */
export const wasmConv2DBackpropFilter: ProjectKernelImpl = (runner, inputs, attrs) =>
  filterGradientViaConv(
    runner,
    inputs.x as TensorInfo,
    inputs.dy as TensorInfo,
    attrs as unknown as Conv2DBackpropFilterAttrs,
  )
