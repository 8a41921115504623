import * as tf from '@tensorflow/tfjs-core'
import type { backend_util } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { GemmConv } from './conv'
import { Elementwise } from './elementwise'
import { GemmRuntime, type WasmHeap } from './runtime'

export { GemmConv } from './conv'
export { Elementwise, type AdamStep } from './elementwise'

let active: { runtime: GemmRuntime; conv: GemmConv; elementwise: Elementwise } | null = null

/** The relaxed-SIMD convolution kernels, when started on this wasm backend; else null. */
export function gemmConv(): GemmConv | null {
  return active?.conv ?? null
}

/** The relaxed-SIMD convolution kernels, when they run and handle this geometry; else null. */
export function gemmConvFor(info: backend_util.Conv2DInfo): GemmConv | null {
  const conv = gemmConv()
  return conv !== null && GemmConv.supports(info) ? conv : null
}

/** The elementwise kernels that run beside them; null when they are not started. */
export function gemmElementwise(): Elementwise | null {
  return active?.elementwise ?? null
}

interface EmscriptenModule {
  wasmMemory?: WebAssembly.Memory
  asm?: { memory?: WebAssembly.Memory }
  _malloc(bytes: number): number
  _free(pointer: number): void
}

/**
 * Starts the relaxed-SIMD convolution kernels over the current wasm backend's memory, on
 * `threads` threads (the calling one included); the wasm project kernels use them from then on.
 * Returns what was started, or why not (they are an optimisation: XNNPACK's way still works).
 */
export async function startGemmKernels(threads: number): Promise<string> {
  stopGemmKernels()
  const backend = tf.findBackend('wasm') as BackendWasm | undefined
  const wasm = backend?.wasm as unknown as EmscriptenModule | undefined
  const memory = wasm?.wasmMemory ?? wasm?.asm?.memory
  if (backend === undefined || wasm === undefined || memory === undefined) {
    return 'the wasm backend is not initialised: XNNPACK kernels only'
  }
  const heap: WasmHeap = {
    memory,
    malloc: (bytes) => wasm._malloc(bytes),
    free: (pointer) => wasm._free(pointer),
  }
  let created: Awaited<ReturnType<typeof GemmRuntime.create>>
  try {
    created = await GemmRuntime.create(heap, threads)
  } catch (error) {
    // An optimisation that cannot start must not take the wasm backend down with it.
    return `the project's wasm kernels did not start (${(error as Error).message}): XNNPACK kernels only`
  }
  const { runtime, note } = created
  if (runtime !== null) {
    active = {
      runtime,
      conv: new GemmConv(runtime, backend),
      elementwise: new Elementwise(runtime, backend),
    }
  }
  return note
}

/** Stops them (the wasm project kernels fall back to XNNPACK's way). */
export function stopGemmKernels(): void {
  if (active === null) return
  active.conv.dispose()
  active.elementwise.dispose()
  active.runtime.dispose()
  active = null
}
