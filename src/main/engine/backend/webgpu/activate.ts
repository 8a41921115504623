import * as tf from '@tensorflow/tfjs-core'
import { adapterName, isSoftwareAdapter, type AdapterDescription } from './adapter-info'
import { exposeWebgpu, loadDawn, type Dawn, type Gpu, type GpuRoute } from './dawn'
import { setGpuEnvironmentDefaults } from './environment'
import { watchDevice, type GpuFault, type WatchedDevice } from './health'
import { rememberLimits } from './limits'
import { rememberRoute } from './route'

/** The slice of Dawn's adapter the engine touches (the full types come from @webgpu/types). */
interface Adapter {
  readonly info: AdapterDescription & { isFallbackAdapter?: boolean }
  readonly limits: Record<string, number>
  readonly features: { has(name: string): boolean }
  requestDevice(descriptor: object): Promise<WatchedDevice>
}

/** Each OS's native API first; on Linux, GL (through EGL) when Vulkan has no adapter. */
export function routesFor(platform: NodeJS.Platform): GpuRoute[] {
  const fast = { powerPreference: 'high-performance' }
  if (platform === 'darwin') return [{ via: 'Metal', flags: [], options: fast }]
  if (platform === 'win32') return [{ via: 'D3D12', flags: [], options: fast }]
  return [
    { via: 'Vulkan', flags: ['backend=vulkan'], options: fast },
    {
      via: 'OpenGLES',
      flags: ['backend=opengles'],
      options: { ...fast, featureLevel: 'compatibility' },
    },
  ]
}

/** What `activateWebgpu` found: the adapter and the device it made current. */
export interface WebgpuActivation {
  adapter: AdapterDescription
  software: boolean
  note: string
}

/**
 * Finds a WebGPU adapter through Dawn's `webgpu` package and makes tfjs's webgpu backend current
 * on a new device of it. A software adapter is refused unless `forced` (it is slower than wasm).
 * Throws with the reason when dawn.node cannot load, no adapter answers or the device fails.
 */
export async function activateWebgpu(options: {
  forced: boolean
  onLost: (fault: GpuFault) => void
}): Promise<WebgpuActivation> {
  setGpuEnvironmentDefaults()
  const dawn = await loadDawn()
  const { gpu, adapter, route } = await findAdapter(dawn)
  const via = route.via
  const info: AdapterDescription = {
    vendor: adapter.info.vendor,
    architecture: adapter.info.architecture,
    device: adapter.info.device,
    description: adapter.info.description,
    via,
  }
  const software = isSoftwareAdapter(info, adapter.info.isFallbackAdapter === true)
  const name = adapterName(info)
  if (software && !options.forced) {
    throw new Error(
      `only a software adapter here (${name}), slower than wasm: never picked by itself; --backend webgpu forces it`,
    )
  }
  const device = await adapter.requestDevice(deviceDescriptor(adapter))
  watchDevice(device, options.onLost)
  rememberLimits(adapter.limits)
  await registerTfjsBackend(dawn, gpu, device, adapter.info)
  rememberRoute(route)
  return { adapter: info, software, note: `${software ? 'software adapter ' : ''}${name}` }
}

async function findAdapter(
  dawn: Dawn,
): Promise<{ gpu: Gpu<Adapter>; adapter: Adapter; route: GpuRoute }> {
  const tried: string[] = []
  for (const route of routesFor(process.platform)) {
    try {
      const gpu = dawn.create(route.flags) as Gpu<Adapter>
      const adapter = await gpu.requestAdapter(route.options)
      if (adapter) return { gpu, adapter, route }
      tried.push(`${route.via}: no adapter`)
    } catch (error) {
      tried.push(`${route.via}: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
  throw new Error(`no WebGPU adapter (${tried.join('; ')})`)
}

/** The limits tfjs-webgpu asks for (the adapter's own, not WebGPU's small defaults). */
function deviceDescriptor(adapter: Adapter): object {
  const wanted = [
    'maxComputeWorkgroupStorageSize',
    'maxComputeWorkgroupsPerDimension',
    'maxStorageBufferBindingSize',
    'maxBufferSize',
    'maxComputeWorkgroupSizeX',
    'maxComputeInvocationsPerWorkgroup',
  ]
  return {
    requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
    requiredLimits: Object.fromEntries(wanted.map((name) => [name, adapter.limits[name]])),
  }
}

/**
 * tfjs-webgpu looks for `navigator.gpu` and WebGPU's globals (GPUBufferUsage...) as in a browser,
 * so Dawn's are put there before it is imported; its 'webgpu' backend is then registered on our
 * device, replacing the one it registers by itself (which would pick its own adapter).
 */
async function registerTfjsBackend(
  dawn: Dawn,
  gpu: Gpu,
  device: WatchedDevice,
  info: object,
): Promise<void> {
  exposeWebgpu(dawn, gpu)
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu')
  /**
   * tfjs-webgpu reads synchronously (dataSync) through an OffscreenCanvas, which Node lacks: the
   * engine reads asynchronously, and a sync read that slips through says so instead of failing
   * with "OffscreenCanvas is not defined". Values already on the CPU are still returned.
   */
  class NodeWebGPUBackend extends WebGPUBackend {
    override readSync(dataId: object): tf.backend_util.BackendValues {
      try {
        return super.readSync(dataId)
      } catch (error) {
        if (typeof (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas !== 'undefined')
          throw error
        throw new Error(
          'A synchronous read from the GPU (dataSync) is not possible on the webgpu backend under Node; ' +
            'this operation should read asynchronously (a bug: please report it). Meanwhile use --backend wasm.',
        )
      }
    }
  }
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu')
  tf.registerBackend('webgpu', () => new NodeWebGPUBackend(device as never, info as never), 3)
  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs could not start its webgpu backend')
  await tf.ready()
}
