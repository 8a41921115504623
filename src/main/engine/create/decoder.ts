/**
 * The decoder as the create features see it: latent codes in, float pixels
 * out, plus the hash of the checkpoint that made them.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { modelCache } from '../model/cache'
import { decode, disposeVae, type Vae } from '../model/vae'
import { projectLayout } from '../project/layout'

export interface LatentDecoder {
  latentDim: number
  /** Faces are size x size. */
  size: number
  /** sha256 (hex, 16 characters) of the decoder's weights and topology: names the checkpoint in recipes. */
  checkpoint: string
  /** n x latentDim codes -> n x size x size x 3 floats in 0..1. */
  decode(latents: Float32Array, n: number): Promise<Float32Array>
  dispose(): void
}

/** Decoding in fixed batches keeps memory flat and makes every render of a recipe batch the same way. */
const BATCH = 32

/** Wraps a loaded VAE. */
export function vaeDecoder(vae: Vae, checkpoint: string): LatentDecoder {
  const dim = vae.config.latent
  const size = vae.config.size
  return {
    latentDim: dim,
    size,
    checkpoint,
    async decode(latents, n) {
      if (latents.length !== n * dim) {
        throw new Error(`decode: expected ${n} x ${dim} values, got ${latents.length}`)
      }
      const out = new Float32Array(n * size * size * 3)
      for (let start = 0; start < n; start += BATCH) {
        const count = Math.min(BATCH, n - start)
        const images = tf.tidy(() =>
          decode(
            vae,
            tf.tensor2d(latents.subarray(start * dim, (start + count) * dim), [count, dim]),
          ),
        )
        try {
          out.set(await images.data<'float32'>(), start * size * size * 3)
        } finally {
          images.dispose()
        }
      }
      return out
    },
    dispose: () => disposeVae(vae),
  }
}

const checkpoints = new Map<string, Promise<string>>()

/**
 * The project's decoder: the model the engine keeps loaded for the project
 * (training's model cache, shared with encoding), with its checkpoint hash.
 */
export async function projectDecoder(projectDir: string): Promise<LatentDecoder> {
  const { vae, manifest } = await modelCache.get(projectDir)
  const key = `${projectDir}\0${manifest.generation}`
  let checkpoint = checkpoints.get(key)
  if (!checkpoint) {
    checkpoint = checkpointHash(projectDir, manifest.generation)
    checkpoints.set(key, checkpoint)
    checkpoint.catch(() => checkpoints.delete(key))
  }
  // The cache owns the model: this decoder must not dispose it.
  return { ...vaeDecoder(vae, await checkpoint), dispose: () => undefined }
}

/** Frees every project's loaded model (tests). */
export function forgetDecoders(): void {
  modelCache.clear()
  checkpoints.clear()
}

/** sha256 of a generation's decoder files: what a recipe records as the model checkpoint. */
export async function checkpointHash(projectDir: string, generation: string): Promise<string> {
  const dir = join(projectLayout(projectDir).model, generation, 'decoder')
  const hash = createHash('sha256')
  hash.update(await readFile(join(dir, 'model.json')))
  hash.update(await readFile(join(dir, 'weights.bin')))
  return hash.digest('hex').slice(0, 16)
}
