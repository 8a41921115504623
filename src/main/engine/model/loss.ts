import * as tf from '@tensorflow/tfjs-core'
// tfjs-core's Node (CJS) entry registers no gradients; tfjs-layers' Node build registers
// them all. Importing core's ESM dist/register_all_gradients instead breaks the built engine.
import '@tensorflow/tfjs-layers'
import type { ReconstructionLossName } from '@shared/contract'

/** Keeps log() finite at pixels the decoder puts at exactly 0 or 1. */
const BCE_EPSILON = 1e-7

/**
 * Floor of the optimal σ² (σ = 0.001 on the 0..1 scale): a batch reconstructed exactly would
 * otherwise give log(0).
 */
const MIN_SIGMA_SQUARED = 1e-6

/**
 * z = mu + exp(0.5 * logVar) * eps, eps ~ N(0, I): sampling that stays differentiable in mu and
 * logVar. `eps` may be given (tests, seeded runs); otherwise it is drawn with `seed`.
 */
export function reparameterize(
  mu: tf.Tensor2D,
  logVar: tf.Tensor2D,
  eps?: tf.Tensor2D,
  seed?: number,
): tf.Tensor2D {
  return tf.tidy(() => {
    const noise = eps ?? tf.randomNormal(mu.shape, 0, 1, 'float32', seed)
    return tf.add(mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), noise)) as tf.Tensor2D
  })
}

/** KL(q(z|x) || N(0, I)) per image, closed form: -0.5 * sum(1 + logVar - mu^2 - exp(logVar)). */
export function klDivergence(mu: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const terms = tf.sub(tf.sub(tf.add(logVar, 1), tf.square(mu)), tf.exp(logVar))
    return tf.mul(tf.sum(terms, 1), -0.5) as tf.Tensor1D
  })
}

/**
 * Reconstruction term per image, summed over every pixel and channel: binary cross-entropy
 * (Bernoulli decoder), squared error (Gaussian decoder with unit variance), or the Gaussian
 * NLL with the σ that maximises the batch's likelihood (see `optimalSigmaNll`).
 */
export function reconstructionLoss(
  x: tf.Tensor4D,
  xHat: tf.Tensor4D,
  kind: ReconstructionLossName,
): tf.Tensor1D {
  return tf.tidy(() => {
    if (kind === 'sigma') {
      return optimalSigmaNll(tf.sum(tf.squaredDifference(x, xHat), [1, 2, 3]) as tf.Tensor1D, x)
    }
    let perPixel: tf.Tensor
    if (kind === 'squared') {
      perPixel = tf.squaredDifference(x, xHat)
    } else {
      const p = tf.clipByValue(xHat, BCE_EPSILON, 1 - BCE_EPSILON)
      perPixel = tf.neg(tf.add(tf.mul(x, tf.log(p)), tf.mul(tf.sub(1, x), tf.log(tf.sub(1, p)))))
    }
    return tf.sum(perPixel, [1, 2, 3]) as tf.Tensor1D
  })
}

/**
 * -log N(x | x̂, σ² I) per image, D/2 · log(2πσ²) + ||x − x̂||² / (2σ²), with one σ² shared by
 * the batch and set to its optimum, the MSE per pixel (Rybkin et al. 2021, "optimal σ-VAE"):
 * this weighs reconstruction against KL by how well the decoder already does, where a unit σ
 * lets the KL term win and blurs. `squaredError` holds each image's summed squared error.
 */
function optimalSigmaNll(squaredError: tf.Tensor1D, x: tf.Tensor4D): tf.Tensor1D {
  const d = x.size / (x.shape[0] as number)
  const sigmaSquared = tf.maximum(tf.div(tf.mean(squaredError), d), MIN_SIGMA_SQUARED)
  const logNormaliser = tf.mul(tf.log(tf.mul(sigmaSquared, 2 * Math.PI)), d / 2)
  return tf.add(tf.div(squaredError, tf.mul(sigmaSquared, 2)), logNormaliser) as tf.Tensor1D
}

/** The terms of -ELBO, each a scalar mean over the batch. */
export interface VaeLoss {
  /** reconstruction + beta * kl: what training minimises. */
  loss: tf.Scalar
  reconstruction: tf.Scalar
  kl: tf.Scalar
}

/**
 * -ELBO = reconstruction + beta * KL per image, summed over pixels and latent dimensions and
 * averaged over the batch (averaging over pixels instead would weaken the reconstruction term).
 */
export function vaeLoss(args: {
  x: tf.Tensor4D
  xHat: tf.Tensor4D
  mu: tf.Tensor2D
  logVar: tf.Tensor2D
  beta: number
  kind: ReconstructionLossName
}): VaeLoss {
  return tf.tidy(() => {
    const reconstruction = tf.mean(reconstructionLoss(args.x, args.xHat, args.kind)) as tf.Scalar
    const kl = tf.mean(klDivergence(args.mu, args.logVar)) as tf.Scalar
    const loss = tf.add(reconstruction, tf.mul(kl, args.beta)) as tf.Scalar
    return { loss, reconstruction, kl }
  })
}

/** The ELBO itself (a lower bound on log p(x), higher is better): minus the loss with beta 1. */
export function elbo(args: Omit<Parameters<typeof vaeLoss>[0], 'beta'>): tf.Scalar {
  return tf.tidy(() => tf.neg(vaeLoss({ ...args, beta: 1 }).loss))
}

/**
 * KL warm-up: beta grows linearly from 0 to its full value over `warmupSteps`, so the decoder
 * learns to use z before the KL term pulls q(z|x) to the prior. 0 steps turns it off.
 */
export function warmedBeta(beta: number, step: number, warmupSteps: number): number {
  if (warmupSteps <= 0) return beta
  return beta * Math.min(1, (step + 1) / warmupSteps)
}
