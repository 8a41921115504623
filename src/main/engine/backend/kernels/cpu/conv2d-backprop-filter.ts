import type { Conv2DBackpropFilterAttrs, TensorInfo } from '@tensorflow/tfjs-core'
import { filterGradientViaConv } from '../filter-gradient'
import type { ProjectKernelImpl } from '../register'

/**
 * The pure-JS cpu backend's own filter gradient reduces over batch and space in its innermost
 * loop; the same dilated-`Conv2D` formulation as on wasm runs through cpu's `Conv2D`, whose inner
 * loop streams over contiguous output channels instead.
 */
export const cpuConv2DBackpropFilter: ProjectKernelImpl = (runner, inputs, attrs) =>
  filterGradientViaConv(
    runner,
    inputs.x as TensorInfo,
    inputs.dy as TensorInfo,
    attrs as unknown as Conv2DBackpropFilterAttrs,
  )
