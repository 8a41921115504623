import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import {
  computeProjection,
  type ProgressFn,
  type ProjectionInput,
  type ProjectionOutput,
} from './projection'

/** What the projection worker posts back. */
export type WorkerMessage =
  | { kind: 'progress'; fraction: number; message: string }
  | { kind: 'done'; output: ProjectionOutput }
  | { kind: 'error'; message: string }

/**
 * The built worker file, when there is one: electron-vite bundles it beside
 * the engine (out/main/projection-worker.js). Run from source (vitest) there
 * is none, and the projection runs in-process instead.
 */
export function projectionWorkerFile(): string | null {
  const here = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url))
  for (const dir of [here, join(here, '..')]) {
    const file = join(dir, 'projection-worker.js')
    if (existsSync(file)) return file
  }
  return null
}

/**
 * Runs a projection on a worker thread (in-process when no worker is built),
 * reporting progress; aborting `signal` stops the worker at once.
 */
export function runProjection(
  input: ProjectionInput,
  options: { signal?: AbortSignal; progress?: ProgressFn; inProcess?: boolean } = {},
): Promise<ProjectionOutput> {
  const file = options.inProcess ? null : projectionWorkerFile()
  if (!file) return computeProjection(input, options.progress)
  return new Promise((resolve, reject) => {
    const worker = new Worker(file)
    const onAbort = () => {
      void worker.terminate()
      reject(new Error('cancelled'))
    }
    options.signal?.addEventListener('abort', onAbort, { once: true })
    const finish = () => {
      options.signal?.removeEventListener('abort', onAbort)
      void worker.terminate()
    }
    worker.on('message', (message: WorkerMessage) => {
      if (message.kind === 'progress') options.progress?.(message.fraction, message.message)
      else if (message.kind === 'done') {
        finish()
        resolve(message.output)
      } else {
        finish()
        reject(new Error(message.message))
      }
    })
    worker.on('error', (error) => {
      finish()
      reject(error)
    })
    worker.on('exit', (code) => {
      options.signal?.removeEventListener('abort', onAbort)
      if (code !== 0) reject(new Error(`The projection worker stopped (exit code ${code}).`))
    })
    // The latents are copied, not transferred: the caller keeps its own.
    worker.postMessage(input)
  })
}
