/**
 * The projection worker's entry (bundled as out/main/projection-worker.js), on a
 * worker thread so the engine's message loop keeps answering requests. One
 * worker either runs `computeProjection`, or scores a projection: it finds the
 * latent-space neighbours while another worker projects (the second core), then
 * scores the positions it is sent, or it runs its share of a UMAP layout's epochs.
 */
import { parentPort } from 'node:worker_threads'
import { keptNeighbours, latentNeighbours, type LatentNeighbours } from './neighbours'
import { computeProjection } from './projection'
import type { ToWorker, WorkerMessage } from './run-projection'
import { serveLayoutShare } from './umap-threads'

const port = parentPort
if (!port) throw new Error('projection-worker must run as a worker thread')

const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) =>
  port.postMessage(message, transfer)
const failed = (error: unknown) =>
  post({ kind: 'error', message: error instanceof Error ? error.message : String(error) })

let latent: LatentNeighbours | null = null
port.on('message', (message: ToWorker) => {
  if (message.kind === 'project') {
    computeProjection(
      message.input,
      (fraction, text) => post({ kind: 'progress', fraction, message: text }),
      {
        layout: (positions, epoch, epochs) =>
          post({ kind: 'layout', positions, epoch, epochs }, [positions.buffer as ArrayBuffer]),
      },
    )
      .then((output) => post({ kind: 'done', output }, [output.positions.buffer as ArrayBuffer]))
      .catch(failed)
  } else if (message.kind === 'layout-share') {
    // Blocks this thread until the layout ends; the projector waits on it at each epoch.
    serveLayoutShare(message.layout)
  } else if (message.kind === 'latent-neighbours') {
    try {
      latent = latentNeighbours(message.latents, message.dim, message.n)
    } catch (error) {
      failed(error)
    }
  } else if (latent) {
    // Messages arrive in order: the latent neighbours are there before the positions.
    post({ kind: 'score', score: keptNeighbours(latent, message.positions, message.n) })
  }
})
