/** What an adapter says about itself (GPUAdapterInfo's fields the engine shows). */
export interface AdapterDescription {
  vendor: string
  architecture: string
  device: string
  description: string
  /** Dawn's own backend under WebGPU: Vulkan, Metal, D3D12, OpenGLES. */
  via: string
}

/** Renderers that run on the CPU: a WebGPU adapter on one is slower than the wasm backend. */
const SOFTWARE = /llvmpipe|lavapipe|softpipe|swiftshader|\bwarp\b|basic render/i

/** Whether the adapter is a software renderer (never picked by itself, only when forced). */
export function isSoftwareAdapter(info: AdapterDescription, isFallbackAdapter = false): boolean {
  return isFallbackAdapter || SOFTWARE.test(`${info.vendor} ${info.device} ${info.description}`)
}

/** One line naming the adapter: vendor, architecture, description, and the API beneath. */
export function adapterName(info: AdapterDescription): string {
  const parts = [info.vendor, info.architecture, info.device, info.description].filter(
    (part) => part !== '',
  )
  return `${parts.join(', ') || 'an unnamed adapter'} (${info.via})`
}
