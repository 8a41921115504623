/** Dawn's `webgpu` package as the engine loads it, and the WebGPU globals a browser would have. */
import { errorLine } from '@shared/error-text'

/** Dawn's GPU object (the full types come from @webgpu/types). */
export interface Gpu<A = object> {
  requestAdapter(options?: object): Promise<A | null>
}

export interface Dawn {
  create(flags: string[]): Gpu
  globals: Record<string, unknown>
}

/** One way to reach a GPU: Dawn's flags, the adapter options, and the API's name. */
export interface GpuRoute {
  via: string
  flags: string[]
  options: object
}

export async function loadDawn(): Promise<Dawn> {
  try {
    return (await import('webgpu')) as unknown as Dawn
  } catch (error) {
    throw new Error(
      `Dawn's dawn.node (package webgpu) could not be loaded for ${process.platform}-${process.arch}: ${errorLine(error)}`,
    )
  }
}

/**
 * Puts Dawn's WebGPU globals (GPUBufferUsage, GPUAdapter...) on this thread's globalThis where
 * missing, and `gpu` as `navigator.gpu`, where browser code looks for them.
 */
export function exposeWebgpu(dawn: Dawn, gpu: Gpu): void {
  for (const [name, value] of Object.entries(dawn.globals)) {
    if (!(name in globalThis))
      Object.defineProperty(globalThis, name, { value, configurable: true })
  }
  const navigator = (globalThis as { navigator?: object }).navigator
  if (navigator) Object.defineProperty(navigator, 'gpu', { value: gpu, configurable: true })
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true })
}
