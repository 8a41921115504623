import * as tf from '@tensorflow/tfjs-core'
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const nodeRequire = createRequire(import.meta.url)

/** What `startWasmBackend` ended up with, for the backend report shown to the user. */
export interface WasmThreads {
  threads: number
  note: string
}

type WorkerCtor = typeof import('node:worker_threads').Worker
type WorkerArgs = ConstructorParameters<WorkerCtor>

/**
 * Initialises the wasm backend and makes it current (in place of `tf.setBackend('wasm')`), with
 * its multi-threaded SIMD build when more than one thread is wanted and Node can run it.
 *
 * tfjs 4.22 never uses that build in Node (tensorflow/tfjs#3830): its loader hands Emscripten
 * `blob:` URLs for the pthread worker script and for the main script the workers import, which
 * `worker_threads` cannot load, and the C++ side caps the pool at os.cpus().length / 2. For the
 * duration of this initialisation only, this function lends Emscripten a `Worker` that runs the
 * shipped worker script with `eval` and points it at the shipped main script file instead of the
 * blob, and reports enough cores for the requested pool. Both are restored before it returns.
 * If the threaded start fails, the single-threaded SIMD build is started instead.
 * Measured on 2 shared cores (benchmark VAE, batch 64): 2 threads gave 46-49 img/s against 23 for
 * one when the second core was free, but 39-55 against 51-60 while other jobs kept both cores
 * busy (XNNPACK's pool spins), so a caller on a crowded machine may want `requested = 1`.
 *
 * @param requested threads wanted (default: the machine's logical cores, at most 8, tfjs's cap)
 */
export async function startWasmBackend(requested?: number): Promise<WasmThreads> {
  const os = nodeRequire('node:os') as typeof import('node:os')
  const wanted = Math.max(1, Math.min(8, Math.floor(requested ?? os.availableParallelism())))
  if ('wasm' in tf.engine().registry) {
    await use()
    return { threads: getThreadsCount(), note: 'wasm was already initialised' }
  }
  const blocker = wanted > 1 ? await threadsUnavailable() : 'one thread requested'
  if (blocker !== null) {
    await use()
    return { threads: getThreadsCount(), note: blocker }
  }

  const workerThreads = nodeRequire('node:worker_threads') as typeof import('node:worker_threads')
  const wasmOut = join(
    dirname(nodeRequire.resolve('@tensorflow/tfjs-backend-wasm/package.json')),
    'wasm-out',
  )
  const mainScript = join(wasmOut, 'tfjs-backend-wasm-threaded-simd.js')
  const { wasmWorkerContents } = nodeRequire(
    join(wasmOut, 'tfjs-backend-wasm-threaded-simd.worker.js'),
  ) as { wasmWorkerContents: string }
  // The script is kept in a JS template literal whose "\n" escapes became real newlines.
  const workerScript = wasmWorkerContents.replace(/\n/g, '\\n')

  const OriginalWorker = workerThreads.Worker
  class PthreadWorker extends OriginalWorker {
    private readonly fromBlob: boolean
    constructor(...[script, options]: WorkerArgs) {
      const fromBlob = String(script).startsWith('blob:')
      super(fromBlob ? workerScript : script, fromBlob ? { eval: true } : options)
      this.fromBlob = fromBlob
    }
    override postMessage(
      ...[message, transfer]: Parameters<InstanceType<WorkerCtor>['postMessage']>
    ): void {
      if (this.fromBlob && isLoadMessage(message) && typeof message.urlOrBlob !== 'string') {
        message = { ...message, urlOrBlob: mainScript }
      }
      super.postMessage(message, transfer)
    }
  }
  const originalCpus = os.cpus
  const patchedCpus = (): ReturnType<typeof os.cpus> => {
    const real = originalCpus()
    const count = Math.max(real.length, 2 * wanted)
    return Array.from({ length: count }, (_, i) => real[i % real.length])
  }

  workerThreads.Worker = PthreadWorker
  os.cpus = patchedCpus
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true)
  setThreadsCount(wanted)
  let started = false
  try {
    started = await tf.setBackend('wasm')
  } finally {
    workerThreads.Worker = OriginalWorker
    os.cpus = originalCpus
  }
  if (started) {
    await tf.ready()
    unrefPoolWorkers()
    return { threads: getThreadsCount(), note: 'multi-threaded SIMD build' }
  }
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false)
  setThreadsCount(-1)
  await use()
  return { threads: getThreadsCount(), note: 'threaded build failed to start; one thread' }
}

interface EmscriptenPThreads {
  PThread?: { runningWorkers?: Array<{ unref?: () => void }> }
}

/**
 * Emscripten keeps a worker `ref()`ed while it runs a pthread, and XNNPACK's pool threads run
 * for good, so they would keep Node from ever exiting on its own; they only wait for work.
 */
function unrefPoolWorkers(): void {
  const backend = tf.engine().registry['wasm'] as unknown as { wasm?: EmscriptenPThreads }
  for (const worker of backend.wasm?.PThread?.runningWorkers ?? []) worker.unref?.()
}

async function use(): Promise<void> {
  if (!(await tf.setBackend('wasm')))
    throw new Error("tfjs could not initialise the 'wasm' backend")
  await tf.ready()
}

function isLoadMessage(message: unknown): message is { cmd: 'load'; urlOrBlob: unknown } {
  return (
    typeof message === 'object' && message !== null && (message as { cmd?: unknown }).cmd === 'load'
  )
}

/** Why threads cannot be used here, or null when they can. */
async function threadsUnavailable(): Promise<string | null> {
  if (typeof SharedArrayBuffer === 'undefined') return 'no SharedArrayBuffer: one thread'
  if (!(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))) return 'no wasm SIMD: one thread'
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true })
  } catch {
    return 'no shared wasm memory: one thread'
  }
  return null
}
