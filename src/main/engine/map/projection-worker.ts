/**
 * The projection worker's entry (bundled as out/main/projection-worker.js):
 * runs `computeProjection` on a worker thread so the engine's message loop
 * keeps answering requests while UMAP works.
 */
import { parentPort } from 'node:worker_threads'
import { computeProjection, type ProjectionInput } from './projection'
import type { WorkerMessage } from './run-projection'

const port = parentPort
if (!port) throw new Error('projection-worker must run as a worker thread')

port.once('message', (input: ProjectionInput) => {
  const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) =>
    port.postMessage(message, transfer)
  computeProjection(input, (fraction, message) => post({ kind: 'progress', fraction, message }))
    .then((output) => post({ kind: 'done', output }, [output.positions.buffer as ArrayBuffer]))
    .catch((error: unknown) =>
      post({ kind: 'error', message: error instanceof Error ? error.message : String(error) }),
    )
})
