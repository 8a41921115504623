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

/** What the threaded start gave, for a later call that finds the backend initialised. */
let started: WasmThreads | null = null

type WorkerCtor = typeof import('node:worker_threads').Worker
type WorkerArgs = ConstructorParameters<WorkerCtor>

/**
 * Initialises the wasm backend and makes it current (in place of `tf.setBackend('wasm')`), with
 * its multi-threaded SIMD build when more than one thread is wanted and Node can run it: that
 * build's memory is shared, which the project's GEMM kernels need to split a call between threads.
 * XNNPACK's own pool stays at one thread: every heavy kernel of training and decoding is the
 * project's, and XNNPACK's pool spins after each small op it splits. Measured on 2 cores
 * (benchmark VAE): training 225 img/s either way; one 64x64 decode 1.66 ms p50 and 2.06 ms CPU
 * with the pool at one thread against 1.94 ms and 3.33 ms CPU with it at two.
 *
 * tfjs 4.22 never uses that build in Node (tensorflow/tfjs#3830): its loader hands Emscripten
 * `blob:` URLs for the pthread worker script and for the main script the workers import, which
 * `worker_threads` cannot load. For the duration of this initialisation only, this function lends
 * Emscripten a `Worker` that runs the shipped worker script with `eval` and points it at the
 * shipped main script file instead of the blob; it is restored before it returns.
 * If the threaded start fails, the single-threaded SIMD build is started instead.
 *
 * @param requested threads wanted for the project's kernels (default: the machine's logical
 *   cores, at most 8)
 * @returns `threads`: how many the project's kernels may use (1 without shared memory)
 */
export async function startWasmBackend(requested?: number): Promise<WasmThreads> {
  const os = nodeRequire('node:os') as typeof import('node:os')
  const wanted = Math.max(1, Math.min(8, Math.floor(requested ?? os.availableParallelism())))
  if ('wasm' in tf.engine().registry) {
    await use()
    return { threads: started?.threads ?? 1, note: 'wasm was already initialised' }
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
  workerThreads.Worker = PthreadWorker
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true)
  setThreadsCount(1)
  let threaded = false
  try {
    threaded = await tf.setBackend('wasm')
  } finally {
    workerThreads.Worker = OriginalWorker
  }
  if (threaded) {
    await tf.ready()
    releaseIdlePthreads()
    started = { threads: wanted, note: 'multi-threaded SIMD build, XNNPACK on one thread' }
    return started
  }
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false)
  setThreadsCount(-1)
  await use()
  return { threads: getThreadsCount(), note: 'threaded build failed to start; one thread' }
}

/** Emscripten's pool of pthread workers, which the threaded build exports on its module. */
interface PthreadPool {
  unusedWorkers: Array<{ terminate(): unknown }>
}

/**
 * Ends the pthread workers Emscripten started for XNNPACK: the build starts 8 whatever the thread
 * count, and with XNNPACK on one thread none of them ever runs (each is a Node worker of about
 * 10 MB). Nothing asks for a pthread later: XNNPACK's pool is made once, at one thread.
 */
function releaseIdlePthreads(): void {
  const wasm = (tf.backend() as unknown as { wasm?: { PThread?: PthreadPool } }).wasm
  for (const worker of wasm?.PThread?.unusedWorkers.splice(0) ?? []) void worker.terminate()
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
