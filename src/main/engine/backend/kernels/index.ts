import { cpuConv2DBackpropFilter } from './cpu/conv2d-backprop-filter'
import { replaceKernel } from './register'
import { registerActivationGradients, wasmLeakyRelu, wasmRelu } from './wasm/activations'
import { registerAdamStep } from './wasm/adam'
import { wasmAdd, wasmMultiply, wasmRealDiv, wasmSub } from './wasm/arithmetic'
import { wasmBatchMatMul, wasmFusedMatMul } from './wasm/batch-matmul'
import { registerBatchNormGradient, wasmBatchNorm } from './wasm/batch-norm'
import { wasmConv2D, wasmFusedConv2D } from './wasm/conv2d'
import { wasmConv2DBackpropFilter } from './wasm/conv2d-backprop-filter'
import { wasmConv2DBackpropInput } from './wasm/conv2d-backprop-input'
import { wasmIdentity } from './wasm/identity'
import { wasmMean, wasmSum } from './wasm/sum'
import { wasmTile } from './wasm/tile'

export { isProjectKernel } from './register'

/**
 * Makes the wasm backend able to train conv nets, fast. Project kernels replace wasm's:
 * - convolutions and products: `Conv2DBackpropFilter` (missing in wasm), `Conv2DBackpropInput`
 *   (a scalar loop), `Conv2D`, `FusedConv2D`, `BatchMatMul` (slow with transposes),
 *   `_FusedMatMul`: on the relaxed-SIMD kernels of ../gemm when they run, else through
 *   XNNPACK's `Conv2D` and plain products;
 * - slow paths: `Sum` and `Mean` over leading axes, `Tile`, `Identity` (a copy in wasm);
 * - one threaded SIMD pass (while ../gemm runs) for `Add`, `Sub`, `Multiply`, `RealDiv`,
 *   `Relu`, `LeakyRelu`, `FusedBatchNorm`, the gradients of both ReLUs and of batch norm, and
 *   Adam's step (see train/adam.ts).
 * Idempotent; call it any time after `@tensorflow/tfjs-backend-wasm` is imported (before or
 * after `tf.setBackend('wasm')`).
 */
export function registerWasmTrainingKernels(): void {
  replaceKernel('Conv2DBackpropFilter', 'wasm', wasmConv2DBackpropFilter)
  replaceKernel('Conv2DBackpropInput', 'wasm', wasmConv2DBackpropInput)
  replaceKernel('BatchMatMul', 'wasm', wasmBatchMatMul)
  replaceKernel('_FusedMatMul', 'wasm', wasmFusedMatMul)
  replaceKernel('Sum', 'wasm', wasmSum)
  replaceKernel('Conv2D', 'wasm', wasmConv2D)
  replaceKernel('FusedConv2D', 'wasm', wasmFusedConv2D)
  replaceKernel('Identity', 'wasm', wasmIdentity)
  replaceKernel('Mean', 'wasm', wasmMean)
  replaceKernel('Tile', 'wasm', wasmTile)
  replaceKernel('Relu', 'wasm', wasmRelu)
  replaceKernel('LeakyRelu', 'wasm', wasmLeakyRelu)
  replaceKernel('FusedBatchNorm', 'wasm', wasmBatchNorm)
  replaceKernel('Add', 'wasm', wasmAdd)
  replaceKernel('Sub', 'wasm', wasmSub)
  replaceKernel('Multiply', 'wasm', wasmMultiply)
  replaceKernel('RealDiv', 'wasm', wasmRealDiv)
  registerActivationGradients()
  registerBatchNormGradient()
  registerAdamStep()
}

/**
 * Gives the pure-JS cpu backend a faster `Conv2DBackpropFilter` (through cpu's own `Conv2D`).
 * Idempotent; call it after `@tensorflow/tfjs-backend-cpu` is imported.
 */
export function registerCpuTrainingKernels(): void {
  replaceKernel('Conv2DBackpropFilter', 'cpu', cpuConv2DBackpropFilter)
}
