import * as tf from '@tensorflow/tfjs-core'
import type { ReconstructionLossName } from '@shared/contract'
import { reparameterize, vaeLoss, type VaeLoss } from '../model/loss'
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
 * given seed, decode, and minimise -ELBO. Frees every tensor it makes, and waits for the losses.
 */
export function trainStep(
  vae: Vae,
  optimizer: tf.Optimizer,
  x: tf.Tensor4D,
  options: { beta: number; loss: ReconstructionLossName; seed: number },
  variables: tf.Variable[] = trainableVariables(vae),
): StepLosses {
  const terms = trainStepTerms(vae, optimizer, x, options, variables)
  try {
    return toStepLosses(terms.dataSync() as Float32Array)
  } finally {
    terms.dispose()
  }
}

/**
 * The same step, without waiting: returns its [loss, reconstruction, kl] as a tensor the caller
 * reads (and disposes) when it likes, so a GPU's queue never drains for a readback.
 */
export function trainStepTerms(
  vae: Vae,
  optimizer: tf.Optimizer,
  x: tf.Tensor4D,
  options: { beta: number; loss: ReconstructionLossName; seed: number },
  variables: tf.Variable[] = trainableVariables(vae),
): tf.Tensor1D {
  let terms: tf.Tensor1D | null = null
  optimizer.minimize(
    () => {
      const parts = stepLoss(vae, x, options)
      terms = tf.keep(tf.stack([parts.loss, parts.reconstruction, parts.kl]) as tf.Tensor1D)
      return parts.loss
    },
    false,
    variables,
  )
  const kept = terms as tf.Tensor1D | null
  if (!kept) throw new Error('trainStep: the loss was not computed')
  return kept
}

/** A training step's -ELBO and its terms, in training mode (batch norm on batch statistics). */
export function stepLoss(
  vae: Vae,
  x: tf.Tensor4D,
  options: { beta: number; loss: ReconstructionLossName; seed: number },
): VaeLoss {
  const moments = vae.encoder.apply(x, { training: true }) as tf.Tensor2D
  const { mu, logVar } = splitMoments(moments)
  const z = reparameterize(mu, logVar, undefined, options.seed)
  const xHat = decode(vae, z, true)
  return vaeLoss({ x, xHat, mu, logVar, beta: options.beta, kind: options.loss })
}

/** A step's losses from its [loss, reconstruction, kl] values. */
export function toStepLosses(values: Float32Array): StepLosses {
  const [loss, reconstruction, kl] = values
  return { loss: loss as number, reconstruction: reconstruction as number, kl: kl as number }
}
