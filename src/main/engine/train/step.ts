import * as tf from '@tensorflow/tfjs-core'
import type { ReconstructionLoss } from '../model/config'
import { reparameterize, vaeLoss } from '../model/loss'
import { decode, splitMoments, type Vae } from '../model/vae'

/** The losses of one step (batch means). */
export interface StepLosses {
  loss: number
  reconstruction: number
  kl: number
}

/** The variables the optimiser updates, always in the same order (Adam's state is positional). */
export function trainableVariables(vae: Vae): tf.Variable[] {
  return [...vae.encoder.trainableWeights, ...vae.decoder.trainableWeights].map(
    (w) => w.read() as tf.Variable,
  )
}

/**
 * One optimiser step on a batch: encode (batch norm on batch statistics), sample z with the
 * given seed, decode, and minimise -ELBO. Frees every tensor it makes.
 */
export function trainStep(
  vae: Vae,
  optimizer: tf.Optimizer,
  x: tf.Tensor4D,
  options: { beta: number; loss: ReconstructionLoss; seed: number },
  variables: tf.Variable[] = trainableVariables(vae),
): StepLosses {
  let terms: tf.Tensor | null = null
  optimizer.minimize(
    () => {
      const moments = vae.encoder.apply(x, { training: true }) as tf.Tensor2D
      const { mu, logVar } = splitMoments(moments)
      const z = reparameterize(mu, logVar, undefined, options.seed)
      const xHat = decode(vae, z, true)
      const parts = vaeLoss({ x, xHat, mu, logVar, beta: options.beta, kind: options.loss })
      terms = tf.keep(tf.stack([parts.loss, parts.reconstruction, parts.kl]))
      return parts.loss
    },
    false,
    variables,
  )
  const kept = terms as tf.Tensor | null
  if (!kept) throw new Error('trainStep: the loss was not computed')
  const [loss, reconstruction, kl] = kept.dataSync() as Float32Array
  kept.dispose()
  return { loss: loss as number, reconstruction: reconstruction as number, kl: kl as number }
}
