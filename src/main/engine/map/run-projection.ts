import { Worker } from 'node:worker_threads'
import { engineGpuRoute } from '../backend/webgpu/route'
import { builtWorkerFile } from '../files/built-worker'
import type { NeighbourhoodScore } from './neighbours'
import type { LayoutShareMessage } from './umap-threads'
import {
  computeProjection,
  type LayoutFn,
  type ProgressFn,
  type ProjectionInput,
  type ProjectionOutput,
} from './projection'

/** What the engine asks of a projection worker. */
export type ToWorker =
  | { kind: 'project'; input: ProjectionInput }
  | { kind: 'latent-neighbours'; latents: Float32Array; n: number; dim: number }
  | { kind: 'kept'; positions: Float32Array; n: number }
  | LayoutShareMessage

/** What a projection worker posts back. */
export type WorkerMessage =
  | { kind: 'progress'; fraction: number; message: string }
  | { kind: 'layout'; positions: Float32Array; epoch: number; epochs: number }
  | { kind: 'done'; output: ProjectionOutput }
  | { kind: 'score'; score: NeighbourhoodScore }
  | { kind: 'error'; message: string }

/** The built projection worker (out/main/projection-worker.js), or null when run from source. */
export function projectionWorkerFile(): string | null {
  return builtWorkerFile('projection-worker')
}

export interface RunOptions {
  signal?: AbortSignal
  progress?: ProgressFn
  /** UMAP's layout while it forms (about once a second). */
  layout?: LayoutFn
  inProcess?: boolean
}

/**
 * Runs a projection on a worker thread (in-process when no worker is built),
 * reporting progress; aborting `signal` stops the workers at once. A second
 * worker finds the latent-space neighbours of the score meanwhile, so both
 * cores work, and scores the positions when they come. Where the engine computes on a GPU, the
 * worker's UMAP does too.
 */
export async function runProjection(
  input: ProjectionInput,
  options: RunOptions = {},
): Promise<ProjectionOutput> {
  const file = options.inProcess ? null : projectionWorkerFile()
  if (!file) return computeProjection(input, options.progress, options)
  const scorer = input.skipScore ? null : new ProjectionWorker(file, options.signal)
  // The latents are copied, not transferred: the caller keeps its own.
  scorer?.post({ kind: 'latent-neighbours', latents: input.latents, n: input.n, dim: input.dim })
  const projector = new ProjectionWorker(file, options.signal)
  try {
    const gpu = input.method === 'umap' ? engineGpuRoute() : null
    projector.post({ kind: 'project', input: { ...input, skipScore: true, gpu } })
    const output = await projector.until('done', (message) => {
      if (message.kind === 'progress') options.progress?.(message.fraction, message.message)
      if (message.kind === 'layout')
        options.layout?.(message.positions, message.epoch, message.epochs)
    })
    if (!scorer) return output.output
    options.progress?.(0.95, 'scoring neighbourhoods')
    const started = performance.now()
    scorer.post({ kind: 'kept', positions: output.output.positions, n: input.n })
    const { score } = await scorer.until('score')
    return {
      ...output.output,
      neighbourhood: score,
      scoreSeconds: (performance.now() - started) / 1000,
    }
  } finally {
    projector.stop()
    scorer?.stop()
  }
}

/** One projection worker: messages in, the awaited reply out, errors and a cancel as rejections. */
class ProjectionWorker {
  private readonly worker: Worker
  private readonly failure: Promise<never>

  constructor(file: string, signal?: AbortSignal) {
    this.worker = new Worker(file)
    this.failure = new Promise<never>((_, reject) => {
      const onAbort = () => reject(new Error('cancelled'))
      if (signal?.aborted) onAbort()
      signal?.addEventListener('abort', onAbort, { once: true })
      this.worker.on('error', reject)
      this.worker.on('message', (message: WorkerMessage) => {
        if (message.kind === 'error') reject(new Error(message.message))
      })
      this.worker.on('exit', (code) => {
        signal?.removeEventListener('abort', onAbort)
        reject(new Error(`The projection worker stopped (exit code ${code}).`))
      })
    })
    // A worker stopped after its work is done is no failure of anyone's.
    this.failure.catch(() => {})
  }

  post(message: ToWorker): void {
    this.worker.postMessage(message)
  }

  /** The first message of `kind`, passing the others to `seen`. */
  until<K extends WorkerMessage['kind']>(
    kind: K,
    seen: (message: WorkerMessage) => void = () => {},
  ): Promise<Extract<WorkerMessage, { kind: K }>> {
    const reply = new Promise<Extract<WorkerMessage, { kind: K }>>((resolve) => {
      const listener = (message: WorkerMessage) => {
        if (message.kind !== kind) return seen(message)
        this.worker.off('message', listener)
        resolve(message as Extract<WorkerMessage, { kind: K }>)
      }
      this.worker.on('message', listener)
    })
    return Promise.race([reply, this.failure])
  }

  stop(): void {
    void this.worker.terminate()
  }
}
