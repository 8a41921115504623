import type { NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core'
import type { KernelRunner } from '../kernel-runner'

/** The part of a fused kernel's attributes that says what follows the product. */
export interface FusedAttrs {
  activation: 'linear' | 'relu' | 'relu6' | 'elu' | 'sigmoid' | 'leakyrelu' | 'prelu'
  leakyreluAlpha?: number
}

/**
 * What a fused kernel (`FusedConv2D`, `_FusedMatMul`) does after its product `y` (one of the
 * runner's temporaries): adds `inputs.bias` and applies the activation, through the backend's
 * own kernels; returns the result, kept for the caller.
 */
export function biasAndActivation(
  runner: KernelRunner,
  product: TensorInfo,
  inputs: NamedTensorInfoMap,
  attrs: FusedAttrs,
): TensorInfo {
  let y = product
  const bias = inputs.bias as TensorInfo | undefined
  if (bias !== undefined) y = runner.run('Add', { a: y, b: bias })
  return runner.keep(activate(runner, y, attrs, inputs.preluActivationWeights))
}

function activate(
  runner: KernelRunner,
  x: TensorInfo,
  attrs: FusedAttrs,
  preluWeights: TensorInfo | undefined,
): TensorInfo {
  switch (attrs.activation) {
    case 'linear':
      return x
    case 'relu':
      return runner.run('Relu', { x })
    case 'relu6':
      return runner.run('Relu6', { x })
    case 'elu':
      return runner.run('Elu', { x })
    case 'sigmoid':
      return runner.run('Sigmoid', { x })
    case 'leakyrelu':
      return runner.run('LeakyRelu', { x }, { alpha: attrs.leakyreluAlpha ?? 0.2 })
    case 'prelu':
      if (preluWeights === undefined) throw new Error('fused kernel: prelu without its weights')
      return runner.run('Prelu', { x, alpha: preluWeights })
    default:
      throw new Error(`fused kernel: unknown activation '${String(attrs.activation)}'`)
  }
}
