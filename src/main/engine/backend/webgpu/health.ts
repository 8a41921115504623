/**
 * What became of the GPU device under the webgpu backend: lost (sleep, a driver reset, another
 * app) or out of memory. Dawn reports both asynchronously, so the engine records them here and
 * the training loop checks between steps.
 */
export type GpuFault =
  { kind: 'lost'; reason: string; message: string } | { kind: 'out-of-memory'; message: string }

/** The parts of a GPUDevice the watch needs (a test hands in its own). */
export interface WatchedDevice {
  readonly lost: Promise<{ reason: string; message: string }>
  addEventListener(
    type: 'uncapturederror',
    listener: (event: { error: { message: string; constructor: { name: string } } }) => void,
  ): void
}

/** One device's health: its first fault, or null while it is well. */
export interface DeviceWatch {
  fault: GpuFault | null
}

let current: DeviceWatch | null = null

/**
 * Follows a device: its loss (other than our own destroy) and its out-of-memory errors become
 * its fault, and a loss calls `lost` (the engine's recovery). The watch becomes the current one.
 */
export function watchDevice(device: WatchedDevice, lost?: (fault: GpuFault) => void): DeviceWatch {
  const watch: DeviceWatch = { fault: null }
  current = watch
  void device.lost.then((info) => {
    if (info.reason === 'destroyed') return
    watch.fault = { kind: 'lost', reason: info.reason, message: info.message }
    lost?.(watch.fault)
  })
  device.addEventListener('uncapturederror', (event) => {
    const { error } = event
    if (error.constructor.name === 'GPUOutOfMemoryError' || /out of memory/i.test(error.message))
      watch.fault ??= { kind: 'out-of-memory', message: error.message }
  })
  return watch
}

/** The watch of the device tfjs computes on, or null when the backend is not webgpu. */
export function currentGpuWatch(backend: string): DeviceWatch | null {
  return backend === 'webgpu' ? current : null
}

/** Where a training stood when the GPU failed it, for the message. */
export interface FaultContext {
  step: number
  batch: number
  /** The step of the last checkpoint written, or null when none was. */
  savedStep: number | null
}

/** The user's message for a fault that stopped a training: what happened, what is kept, what to do. */
export function describeGpuFault(current: GpuFault, at: FaultContext): string {
  const kept =
    at.savedStep === null
      ? 'No checkpoint was written yet; the model on disk is left as it was.'
      : `The last checkpoint (step ${at.savedStep}) is kept: train again to resume from it.`
  if (current.kind === 'out-of-memory') {
    const smaller = Math.max(1, Math.floor(at.batch / 2))
    return (
      `Training stopped at step ${at.step + 1}: the GPU ran out of memory with batch ${at.batch} (${current.message}). ` +
      `${kept} Train with a smaller batch (--batch ${smaller}), or close other apps that use the GPU.`
    )
  }
  return (
    `Training stopped at step ${at.step + 1}: the GPU device was lost (${current.reason}: ${current.message || 'no detail'}), ` +
    `as after sleep, a driver reset or another app taking the GPU. ${kept} ` +
    'The engine takes a new GPU device, or falls back to wasm; `atelier info` and the status bar say which.'
  )
}
