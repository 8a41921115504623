/**
 * The face detector thread's entry (bundled as out/main/face-detector-worker.js):
 * face-api on a tfjs of this thread's own, on wasm, for an engine whose backend
 * cannot read synchronously (see `findsFacesOnThread`).
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-wasm'
import { parentPort } from 'node:worker_threads'
import { detectFaces } from './detector'
import type { DetectReply, DetectRequest } from './detector-thread'

const port = parentPort
if (!port) throw new Error('face-detector-worker must run as a worker thread')

const ready = tf.setBackend('wasm')

port.on('message', (request: DetectRequest) => {
  const { id, rgb, width, height, scale, looks } = request
  const answer = (reply: DetectReply) => port.postMessage(reply)
  ready
    .then(() => detectFaces(rgb, width, height, scale, looks))
    .then((faces) => answer({ id, faces }))
    .catch((error: unknown) =>
      answer({ id, error: error instanceof Error ? error.message : String(error) }),
    )
})
