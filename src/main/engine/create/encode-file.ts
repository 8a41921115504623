/**
 * "From a file that gets encoded": an image outside the dataset becomes a
 * latent code (its mu), cropped as the project's own images were.
 */
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { EngineError } from '@shared/protocol'
import { cropFaces } from '../data/faces/face-crop'
import { ImageRejected, MAX_FILE_BYTES, preprocessImage } from '../data/decode'
import type { CropMode } from '../data/store'
import { modelCache } from '../model/cache'
import { encode } from '../model/vae'
import { datasetIndex } from './inputs'

export async function encodeFile(
  projectDir: string,
  file: string,
  crop?: CropMode,
): Promise<{ z: number[]; label: string }> {
  const { vae } = await modelCache.get(projectDir)
  const size = vae.config.size
  let mode: CropMode = crop ?? 'center'
  if (!crop) {
    const source = await datasetIndex(projectDir)
      .then((i) => i.source)
      .catch(() => null)
    if (source?.kind === 'folder') mode = source.crop
  }
  let bytes: Uint8Array
  try {
    bytes = await readFile(file)
  } catch (error) {
    throw new EngineError('not_found', `Cannot read ${file}: ${(error as Error).message}`)
  }
  if (bytes.length > MAX_FILE_BYTES)
    throw new EngineError('bad_request', `${file} is too large to be an image for this app.`)
  let pixels: Uint8Array
  try {
    pixels =
      mode === 'face'
        ? (await cropFaces(bytes, size, { noFace: 'center' }))[0].pixels
        : await preprocessImage(bytes, size, mode)
  } catch (error) {
    if (error instanceof ImageRejected)
      throw new EngineError('bad_request', `${file}: ${error.reason}`)
    throw error
  }
  const mu = tf.tidy(() => {
    const image = tf.tensor4d(
      Float32Array.from(pixels, (v) => v / 255),
      [1, size, size, 3],
    )
    return encode(vae, image).mu
  })
  try {
    return { z: Array.from(await mu.data<'float32'>()), label: basename(file) }
  } finally {
    mu.dispose()
  }
}
