import * as tf from '@tensorflow/tfjs-core'
import type { GpuRoute } from './dawn'

/** How the engine reached the adapter its webgpu backend runs on. */
let engineRoute: GpuRoute | null = null

export function rememberRoute(route: GpuRoute): void {
  engineRoute = route
}

/**
 * The route to the engine's GPU while webgpu is its backend (a hardware adapter, or a software
 * one the user forced), so that other threads (a UMAP) compute on the same GPU; else null.
 */
export function engineGpuRoute(): GpuRoute | null {
  return tf.getBackend() === 'webgpu' ? engineRoute : null
}
