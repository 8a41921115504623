import { isMainThread } from 'node:worker_threads'
import { exposeWebgpu, loadDawn, type GpuRoute } from './dawn'

/**
 * Gives this worker thread the engine's GPU as a browser's `navigator.gpu`, for a library that
 * computes on WebGPU by itself (embedding-atlas's UMAP, a Rust wgpu build). True when an adapter
 * answers there; false (nothing changed that matters) when none does.
 *
 * - Dawn is reached by the engine's route, whose adapter options (the GL route's
 *   `featureLevel: 'compatibility'`) are added to every adapter request the library makes. The
 *   GL route's environment defaults (./environment.ts) were set by the engine's thread: a
 *   worker's `process.env` is its own copy, which the GL driver never reads.
 * - wgpu looks for `navigator.gpu` only where the global scope is a `Window` or a
 *   `WorkerGlobalScope`: this is a worker, so it is given the second name. Only on a worker
 *   thread: on the engine's own thread that name would tell other code it is in a browser.
 */
export async function exposeEngineGpu(route: GpuRoute): Promise<boolean> {
  if (isMainThread) throw new Error('exposeEngineGpu runs on worker threads only')
  const dawn = await loadDawn()
  const gpu = dawn.create(route.flags)
  const requestAdapter = gpu.requestAdapter.bind(gpu)
  Object.defineProperty(gpu, 'requestAdapter', {
    value: (options?: object) => requestAdapter({ ...options, ...route.options }),
    configurable: true,
  })
  if (!(await gpu.requestAdapter())) return false
  exposeWebgpu(dawn, gpu)
  const scope = globalThis as { Window?: unknown; WorkerGlobalScope?: unknown }
  if (scope.Window === undefined && scope.WorkerGlobalScope === undefined) {
    Object.defineProperty(globalThis, 'WorkerGlobalScope', {
      value: class WorkerGlobalScope {},
      configurable: true,
    })
  }
  return true
}
