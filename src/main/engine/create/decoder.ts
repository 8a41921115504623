/**
 * The decoder as the create features see it: latent codes in, float pixels
 * out, plus the hash of the checkpoint that made them. One loaded model per
 * project is kept, and reloaded when training publishes a new generation.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { EngineError } from '@shared/protocol'
import { readModel, readModelManifest } from '../model/io'
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

interface Cached {
  generation: string
  decoder: Promise<LatentDecoder>
}
const cache = new Map<string, Cached>()

/** The project's decoder (loaded once per model generation). */
export async function projectDecoder(projectDir: string): Promise<LatentDecoder> {
  const manifest = await readModelManifest(projectDir)
  if (!manifest) {
    throw new EngineError(
      'not_found',
      `The project ${projectDir} has no trained model yet: train one first (atelier train --project ${projectDir}).`,
    )
  }
  const cached = cache.get(projectDir)
  if (cached && cached.generation === manifest.generation) return cached.decoder
  const loading = (async () => {
    const { vae, manifest: loaded } = await readModel(projectDir)
    const checkpoint = await checkpointHash(projectDir, loaded.generation)
    return vaeDecoder(vae, checkpoint)
  })()
  cache.set(projectDir, { generation: manifest.generation, decoder: loading })
  loading.catch(() => cache.delete(projectDir))
  if (cached) void cached.decoder.then((old) => old.dispose()).catch(() => undefined)
  return loading
}

/** Forgets every loaded model (tests, and a project folder that was replaced). */
export async function forgetDecoders(): Promise<void> {
  const all = [...cache.values()]
  cache.clear()
  for (const entry of all) (await entry.decoder.catch(() => null))?.dispose()
}

/** sha256 of a generation's decoder files: what a recipe records as the model checkpoint. */
export async function checkpointHash(projectDir: string, generation: string): Promise<string> {
  const dir = join(projectLayout(projectDir).model, generation, 'decoder')
  const hash = createHash('sha256')
  hash.update(await readFile(join(dir, 'model.json')))
  hash.update(await readFile(join(dir, 'weights.bin')))
  return hash.digest('hex').slice(0, 16)
}
