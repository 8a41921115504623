/**
 * Encodes every image of a dataset with a trained VAE: mu and logVar, and
 * the reconstruction error of decode(mu), batch by batch.
 */
import * as tf from '@tensorflow/tfjs-core'
import { EngineError } from '@shared/protocol'
import { batchToFloat, type Dataset } from '../data/store'
import { decode, encode, type Vae } from '../model/vae'

export interface EncodedDataset {
  count: number
  dim: number
  mu: Float32Array
  logVar: Float32Array
  /** Per image: mean squared error per pixel channel (0..1 scale) of decode(mu). */
  reconError: Float32Array
}

export interface EncodeOptions {
  batch?: number
  /** Called after each batch; may throw to stop (a job's checkpoint). */
  afterBatch?: (done: number, total: number) => Promise<void> | void
}

/** Runs the encoder (inference mode) over the whole dataset; leaks no tensors. */
export async function encodeDataset(
  vae: Vae,
  dataset: Dataset,
  options: EncodeOptions = {},
): Promise<EncodedDataset> {
  const { size, latent: dim } = vae.config
  if (dataset.size !== size) {
    throw new EngineError(
      'conflict',
      `The model takes ${size}x${size} images but the dataset holds ${dataset.size}x${dataset.size}; train a model on this dataset first.`,
    )
  }
  const batch = Math.max(1, Math.min(options.batch ?? 64, 1024))
  const n = dataset.count
  const mu = new Float32Array(n * dim)
  const logVar = new Float32Array(n * dim)
  const reconError = new Float32Array(n)
  const pixels = size * size * 3
  for (let start = 0; start < n; start += batch) {
    const count = Math.min(batch, n - start)
    const indices = Array.from({ length: count }, (_, i) => start + i)
    const images = batchToFloat(dataset, indices)
    const [m, v, err] = tf.tidy(() => {
      const x = tf.tensor4d(images, [count, size, size, 3])
      const moments = encode(vae, x)
      const recon = decode(vae, moments.mu)
      const error = tf.mean(tf.reshape(tf.square(tf.sub(recon, x)), [count, pixels]), 1)
      return [moments.mu, moments.logVar, error]
    })
    const [mv, vv, ev] = await Promise.all([m.data(), v.data(), err.data()])
    tf.dispose([m, v, err])
    mu.set(mv as Float32Array, start * dim)
    logVar.set(vv as Float32Array, start * dim)
    reconError.set(ev as Float32Array, start)
    await options.afterBatch?.(start + count, n)
  }
  return { count: n, dim, mu, logVar, reconError }
}
