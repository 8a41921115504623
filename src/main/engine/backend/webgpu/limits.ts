import type { ModelConfig } from '../../model/config'

/** The adapter limits a training batch must fit, once a webgpu device is current. */
let limits: { maxStorageBufferBindingSize: number; maxBufferSize: number } | null = null

export function rememberLimits(adapterLimits: Record<string, number>): void {
  limits = {
    maxStorageBufferBindingSize: adapterLimits.maxStorageBufferBindingSize ?? 134_217_728,
    maxBufferSize: adapterLimits.maxBufferSize ?? 268_435_456,
  }
}

export function forgetLimits(): void {
  limits = null
}

/**
 * Room for the gradients' temporary copies beside an activation (a transposed view, an
 * im2col patch matrix of kernel 4x4 over a quarter of the positions).
 */
const WORKING_COPIES = 4

/**
 * The largest batch whose biggest tensor fits one storage binding of the current adapter
 * (Infinity off webgpu): the first conv's output, (size/2)^2 x filters floats per image, is the
 * largest activation of both models, times the working copies its gradients make.
 */
export function maxBatchForAdapter(config: Pick<ModelConfig, 'size' | 'filters'>): number {
  if (limits === null) return Infinity
  const perImage =
    4 * WORKING_COPIES * Math.max(3 * config.size ** 2, (config.size / 2) ** 2 * config.filters)
  const room = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize)
  return Math.max(1, Math.floor(room / perImage))
}
