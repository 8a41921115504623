import { createRequire } from 'node:module'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { BACKENDS, type BackendName, type BackendStatus } from '@shared/contract'
import { errorLine } from '@shared/error-text'
import { registerCpuTrainingKernels, registerWasmTrainingKernels } from './kernels'
import { startWasmBackend } from './kernels/wasm-threads'
import { startGemmKernels } from './gemm'
import { activateWebgpu } from './webgpu/activate'
import type { GpuFault } from './webgpu/health'
import { forgetLimits } from './webgpu/limits'
import { modelCache } from '../model/cache'

/** The backend in use and what was found about every one. */
export interface BackendReport {
  selected: BackendName
  backends: BackendStatus[]
}

interface Candidate {
  name: BackendName
  package: string
  /**
   * Loads the package and makes its backend current; throws with the reason it cannot.
   * `forced`: the user asked for this backend by name (webgpu then accepts a software adapter).
   */
  activate(forced: boolean, report: BackendReport): Promise<string>
}

/** Loads the optional native packages, which may be absent. */
const requireOptional = createRequire(import.meta.url)

const candidates: Candidate[] = [
  {
    name: 'tensorflow-gpu',
    package: '@tensorflow/tfjs-node-gpu',
    activate: () => activateNative('@tensorflow/tfjs-node-gpu', 'CUDA'),
  },
  {
    name: 'webgpu',
    package: 'webgpu',
    activate: async (forced, report) => {
      // Models loaded on an earlier webgpu device cannot move to a new one (no sync readback).
      modelCache.clear()
      const { note } = await activateWebgpu({
        forced,
        onLost: (fault) => void recoverFromLostDevice(report, fault),
      })
      return `${note}; tfjs-backend-webgpu`
    },
  },
  {
    name: 'tensorflow',
    package: '@tensorflow/tfjs-node',
    activate: () => activateNative('@tensorflow/tfjs-node', 'native CPU'),
  },
  {
    name: 'wasm',
    package: '@tensorflow/tfjs-backend-wasm',
    activate: async () => {
      const { threads, note } = await startWasmBackend(wasmThreads())
      // Stock wasm cannot train a conv net (no filter gradient) and is slow at transposed convs.
      registerWasmTrainingKernels()
      // ...and its convolutions run faster still on the relaxed-SIMD (FMA) kernels, where V8 has them.
      const gemm = await startGemmKernels(threads)
      const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT')
      const plural = threads === 1 ? 'thread' : 'threads'
      return `${simd ? 'SIMD' : 'no SIMD'}, ${threads} ${plural} (${note}); ${gemm}`
    },
  },
  {
    name: 'cpu',
    package: '@tensorflow/tfjs-backend-cpu',
    activate: async () => {
      await use('cpu')
      registerCpuTrainingKernels()
      return 'pure JavaScript: slow, a last resort for training'
    },
  },
]

/**
 * Picks the fastest backend that works here (or `forced`, when given) and makes
 * it tfjs's current backend. Every backend is probed so that `info` can say why
 * each unavailable one is unavailable.
 */
export async function selectBackend(forced?: BackendName): Promise<BackendReport> {
  const backends: BackendStatus[] = []
  // Filled in as candidates are probed; a lost GPU device later updates it in place.
  const report: BackendReport = { selected: 'cpu', backends }
  let selected: BackendName | null = null
  for (const candidate of candidates) {
    // Probe in order; once one is chosen, the rest are only checked for being installed.
    if (selected !== null) {
      backends.push({ ...status(candidate), ...(await installed(candidate, selected)) })
      continue
    }
    if (forced !== undefined && candidate.name !== forced) {
      backends.push({ ...status(candidate), ...(await installed(candidate)) })
      continue
    }
    try {
      const note = await candidate.activate(forced === candidate.name, report)
      selected = candidate.name
      backends.push({ ...status(candidate), available: true, reason: note })
    } catch (error) {
      backends.push({ ...status(candidate), available: false, reason: errorLine(error) })
      if (forced !== undefined) {
        throw new Error(
          `The compute backend '${forced}' is not available here: ${errorLine(error)}. ` +
            `Choose another with --backend (${BACKENDS.join(', ')}).`,
        )
      }
    }
  }
  if (selected === null) throw new Error('No TensorFlow.js backend could be started.')
  report.selected = selected
  return report
}

/**
 * The GPU device was lost: models loaded on it are dropped, and the engine asks for a new device
 * (the same adapter, forced, since the user or the order had chosen it), or else falls back to
 * wasm. The report says which, so `info` and the status bar show it.
 */
export async function recoverFromLostDevice(
  report: BackendReport,
  fault: GpuFault,
  candidatesByName: (name: BackendName) => Candidate = candidate,
): Promise<void> {
  modelCache.clear()
  forgetLimits()
  const lost = `the GPU device was lost (${fault.kind === 'lost' ? fault.reason : fault.kind})`
  const webgpu = report.backends.find((b) => b.name === 'webgpu')
  try {
    const note = await candidatesByName('webgpu').activate(true, report)
    if (webgpu) webgpu.reason = `${lost}; a new device took over: ${note}`
    report.selected = 'webgpu'
  } catch (error) {
    const wasm = report.backends.find((b) => b.name === 'wasm')
    const note = await candidatesByName('wasm').activate(true, report)
    if (webgpu) {
      webgpu.available = false
      webgpu.reason = `${lost} and no new one could be had (${errorLine(error)}); the engine fell back to wasm`
    }
    if (wasm) Object.assign(wasm, { available: true, reason: note })
    report.selected = 'wasm'
  }
  console.error(`atelier engine: ${lost}; now on ${report.selected}.`)
}

function candidate(name: BackendName): Candidate {
  const found = candidates.find((c) => c.name === name)
  if (!found) throw new Error(`no backend candidate named ${name}`)
  return found
}

function status(candidate: Candidate): Omit<BackendStatus, 'available' | 'reason'> {
  return { name: candidate.name, package: candidate.package }
}

/** For backends not chosen: whether they could have been, without starting them. */
async function installed(
  candidate: Candidate,
  before?: BackendName,
): Promise<Pick<BackendStatus, 'available' | 'reason'>> {
  try {
    requireOptional.resolve(candidate.package)
    const why = before === undefined ? 'another was asked for' : `${before} comes first`
    return { available: true, reason: `installed, not in use (${why})` }
  } catch {
    return { available: false, reason: notInstalled(candidate.package) }
  }
}

/**
 * Threads for the wasm backend: ATELIER_WASM_THREADS when set, else every core
 * (two threads train about twice as fast as one on an otherwise idle 2-core machine).
 */
function wasmThreads(): number | undefined {
  const raw = process.env.ATELIER_WASM_THREADS
  if (raw === undefined || raw === '') return undefined
  const threads = Number(raw)
  if (!Number.isInteger(threads) || threads < 1 || threads > 8) {
    throw new Error(`ATELIER_WASM_THREADS=${raw} is not a thread count from 1 to 8.`)
  }
  return threads
}

async function activateNative(pkg: string, what: string): Promise<string> {
  try {
    requireOptional.resolve(pkg)
  } catch {
    throw new Error(notInstalled(pkg))
  }
  // Loading the package registers the 'tensorflow' backend (and may fail on a missing libtensorflow).
  requireOptional(pkg)
  await use('tensorflow')
  return what
}

async function use(name: string): Promise<void> {
  if (!(await tf.setBackend(name)))
    throw new Error(`tfjs could not initialise the '${name}' backend`)
  await tf.ready()
}

function notInstalled(pkg: string): string {
  return `${pkg} is not installed (an optional dependency: its libtensorflow download fails where that host cannot be reached)`
}
