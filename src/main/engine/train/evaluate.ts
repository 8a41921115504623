import * as tf from '@tensorflow/tfjs-core'
import type { Evaluation } from '@shared/contract'
import { EngineError } from '@shared/protocol'
import { batchToFloat, type Dataset } from '../data/store'
import type { ModelManifest } from '../model/io'
import { klDivergence, reconstructionLoss, reparameterize } from '../model/loss'
import { decode, encode, type Vae } from '../model/vae'
import { laplacianRatio } from './sharpness'

/** An `Evaluation` before the engine names its project and model. */
export type HeldOutFigures = Omit<Evaluation, 'project' | 'model'>

/**
 * Figures of a model on the images `first..count-1`: per-pixel MSE and BCE of reconstructions
 * from mu, the mean share of fine detail they keep (`laplacianRatio`), and the per-image terms of the ELBO (a z sampled with a fixed seed, so reruns agree).
 */
export async function evaluateHeldOut(
  vae: Vae,
  manifest: ModelManifest,
  dataset: Dataset,
  first: number,
  batch = 64,
): Promise<HeldOutFigures> {
  const count = dataset.count - first
  if (count < 1) {
    throw new EngineError(
      'bad_request',
      `No held-out images to evaluate on: the dataset has ${dataset.count} images and the model trained on the first ${first}. Ask for a holdout.`,
    )
  }
  const { size } = dataset
  const pixelsPerImage = size * size * 3
  let se = 0
  let bce = 0
  let detail = 0
  let reconstruction = 0
  let kl = 0
  for (let begin = first; begin < dataset.count; begin += batch) {
    const indices = Array.from(
      { length: Math.min(batch, dataset.count - begin) },
      (_, i) => begin + i,
    )
    const sums = tf.tidy(() => {
      const x = tf.tensor4d(batchToFloat(dataset, indices), [indices.length, size, size, 3])
      const { mu, logVar } = encode(vae, x)
      const fromMu = decode(vae, mu)
      const sampled = decode(vae, reparameterize(mu, logVar, undefined, begin))
      return tf.stack([
        tf.sum(reconstructionLoss(x, fromMu, 'squared')),
        tf.sum(reconstructionLoss(x, fromMu, 'bce')),
        tf.sum(reconstructionLoss(x, sampled, manifest.loss)),
        tf.sum(klDivergence(mu, logVar)),
        tf.sum(laplacianRatio(x, fromMu)),
      ])
    })
    // Read asynchronously: a GPU backend has no synchronous readback under Node.
    const [a, b, c, d, e] = (await sums.data()) as Float32Array
    sums.dispose()
    se += a as number
    bce += b as number
    reconstruction += c as number
    kl += d as number
    detail += e as number
  }
  return {
    count,
    msePerPixel: se / (count * pixelsPerImage),
    bcePerPixel: bce / (count * pixelsPerImage),
    laplacianRatio: detail / count,
    reconstruction: reconstruction / count,
    kl: kl / count,
    elbo: -(reconstruction + kl) / count,
  }
}
