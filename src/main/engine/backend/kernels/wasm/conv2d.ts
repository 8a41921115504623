import type { Conv2DAttrs, FusedConv2DAttrs, TensorInfo } from '@tensorflow/tfjs-core'
import { gemmConvFor } from '../../gemm'
import { convInfo } from '../conv-info'
import { biasAndActivation } from './fused-activation'
import type { ProjectKernelImpl } from '../register'

/** `Conv2D` on the relaxed-SIMD kernels when they run and handle the geometry; else XNNPACK's. */
export const wasmConv2D: ProjectKernelImpl = (runner, inputs, attrs, original) => {
  if (original === undefined) throw new Error('wasm backend has no Conv2D kernel to wrap')
  const x = inputs.x as TensorInfo
  const filter = inputs.filter as TensorInfo
  const info = convInfo(x.shape, filter.shape, attrs as unknown as Conv2DAttrs)
  const gemm = gemmConvFor(info)
  if (gemm === null) {
    return runner.keep(runner.runConfig(original, inputs, attrs))
  }
  return gemm.conv2d(x, filter, info)
}

/**
 * `FusedConv2D` (convolution + bias + activation, what tfjs-layers runs) the same way: the
 * convolution on the relaxed-SIMD kernels, then wasm's own bias add and activation.
 */
export const wasmFusedConv2D: ProjectKernelImpl = (runner, inputs, attrs, original) => {
  if (original === undefined) throw new Error('wasm backend has no FusedConv2D kernel to wrap')
  const x = inputs.x as TensorInfo
  const filter = inputs.filter as TensorInfo
  const fused = attrs as unknown as FusedConv2DAttrs
  const info = convInfo(x.shape, filter.shape, fused)
  const gemm = gemmConvFor(info)
  if (gemm === null) {
    return runner.keep(runner.runConfig(original, inputs, attrs))
  }
  return biasAndActivation(runner, runner.adopt(gemm.conv2d(x, filter, info)), inputs, fused)
}
