import * as tf from '@tensorflow/tfjs-core'
import { Worker } from 'node:worker_threads'
import { builtWorkerFile } from '../../files/built-worker'
import type { DetectedFace, DetectorLook } from './detector'

/** One photo, as `detectFaces` takes it. */
export interface DetectPhoto {
  rgb: Uint8Array
  width: number
  height: number
  scale: number
  looks: readonly DetectorLook[]
}

/** What the engine asks the detector thread. */
export interface DetectRequest extends DetectPhoto {
  id: number
}

/** What the detector thread answers. */
export type DetectReply = { id: number; faces: DetectedFace[] } | { id: number; error: string }

/**
 * face-api reads its tensors synchronously (`dataSync`), which the webgpu
 * backend cannot do under Node. There the faces are found on a worker thread
 * with a tfjs of its own on wasm; on every other backend, on the engine's.
 */
export function findsFacesOnThread(): boolean {
  return tf.getBackend() === 'webgpu'
}

let worker: Worker | null = null
let nextId = 0
const waiting = new Map<
  number,
  { resolve: (faces: DetectedFace[]) => void; reject: (e: Error) => void }
>()

function stopped(reason: string): void {
  worker = null
  const error = new Error(`The face detector's thread stopped (${reason}).`)
  for (const { reject } of waiting.values()) reject(error)
  waiting.clear()
}

function detectorThread(): Worker {
  if (worker) return worker
  const file = builtWorkerFile('face-detector-worker')
  if (!file) {
    throw new Error(
      'Finding faces on the webgpu backend needs the built engine (run `npm run build`), or use --backend wasm.',
    )
  }
  const started = new Worker(file)
  started.on('message', (reply: DetectReply) => {
    const asked = waiting.get(reply.id)
    waiting.delete(reply.id)
    if (waiting.size === 0) started.unref()
    if ('error' in reply) asked?.reject(new Error(reply.error))
    else asked?.resolve(reply.faces)
  })
  started.on('error', (error) => stopped(error.message))
  started.on('exit', (code) => stopped(`exit code ${code}`))
  worker = started
  return started
}

/** `detectFaces` on the detector thread: the photo is copied there, the faces come back. */
export function detectOnThread(photo: DetectPhoto): Promise<DetectedFace[]> {
  return new Promise((resolve, reject) => {
    const thread = detectorThread()
    const id = nextId++
    // Held while it works (the engine waits on it), let go when idle (it never keeps the CLI alive).
    thread.ref()
    waiting.set(id, { resolve, reject })
    const copy = photo.rgb.slice()
    const request: DetectRequest = { ...photo, id, rgb: copy }
    thread.postMessage(request, [copy.buffer])
  })
}
