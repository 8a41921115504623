/**
 * How much fine detail a reconstruction keeps: the variance of the Laplacian (a standard focus
 * measure, high for edges and texture, near zero for a blur), reconstruction over original.
 */
import * as tf from '@tensorflow/tfjs-core'

/** ITU-R BT.601 luma weights: detail is judged on brightness, as the eye does. */
const LUMA = [0.299, 0.587, 0.114]

/** The 4-neighbour discrete Laplacian, [3, 3, in 1, out 1]. */
const LAPLACIAN = [0, 1, 0, 1, -4, 1, 0, 1, 0]

/** Keeps the ratio finite for a flat original (which has no detail to keep). */
const MIN_VARIANCE = 1e-12

/** Variance of the Laplacian of each image's luma (inner pixels only): [B, S, S, 3] -> [B]. */
export function laplacianVariance(images: tf.Tensor4D): tf.Tensor1D {
  return tf.tidy(() => {
    const luma = tf.sum(tf.mul(images, tf.tensor1d(LUMA)), 3, true) as tf.Tensor4D
    const edges = tf.conv2d(luma, tf.tensor4d(LAPLACIAN, [3, 3, 1, 1]), 1, 'valid')
    return tf.moments(edges, [1, 2, 3]).variance as tf.Tensor1D
  })
}

/**
 * Per image, laplacianVariance(reconstruction) / laplacianVariance(original): 1 keeps all the
 * original's detail, 0 is a flat blur; noise or ringing can push it above 1.
 */
export function laplacianRatio(originals: tf.Tensor4D, reconstructions: tf.Tensor4D): tf.Tensor1D {
  return tf.tidy(
    () =>
      tf.div(
        laplacianVariance(reconstructions),
        tf.maximum(laplacianVariance(originals), MIN_VARIANCE),
      ) as tf.Tensor1D,
  )
}
