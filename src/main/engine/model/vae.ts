import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { DATASET_SIZES } from '@shared/contract'
import { bottleneckSide, convFilters, type ModelConfig } from './config'

/** The two halves of a VAE: q(z|x) and p(x|z). */
export interface Vae {
  config: ModelConfig
  /** Image batch [B, S, S, 3] in 0..1 -> moments [B, 2L] (mu, then logVar). */
  encoder: tfl.LayersModel
  /** Latents [B, L] -> images [B, S, S, 3] in 0..1 (sigmoid). */
  decoder: tfl.LayersModel
}

/** Throws for a config no builder can make (a programmer error: params are checked upstream). */
export function checkConfig(config: ModelConfig): void {
  if (!(DATASET_SIZES as readonly number[]).includes(config.size)) {
    throw new Error(`Image size ${config.size} is not one of ${DATASET_SIZES.join(', ')}`)
  }
  if (!Number.isInteger(config.latent) || config.latent < 1 || config.latent > 1024) {
    throw new Error(`Latent size ${config.latent} must be a whole number from 1 to 1024`)
  }
  if (!Number.isInteger(config.filters) || config.filters < 1 || config.filters > 256) {
    throw new Error(`Filters ${config.filters} must be a whole number from 1 to 256`)
  }
}

/**
 * Seeded initialisers, one per layer, so that a seed makes the initial weights (and so a whole
 * run) repeatable.
 */
class Seeds {
  private next: number
  constructor(seed: number) {
    this.next = seed * 1000
  }
  glorot(): ReturnType<typeof tfl.initializers.glorotUniform> {
    return tfl.initializers.glorotUniform({ seed: this.next++ })
  }
}

/**
 * The encoder q(z|x): four conv layers (kernel 4, stride 2, padding same), flatten, dense to
 * 2L. The benchmark model uses ReLU; the default model adds batch norm and uses leaky ReLU.
 */
export function encoder(config: ModelConfig, seed = 0): tfl.LayersModel {
  checkConfig(config)
  const seeds = new Seeds(seed * 2)
  const norm = config.kind === 'default'
  const input = tfl.input({ shape: [config.size, config.size, 3], name: 'image' })
  let h: tfl.SymbolicTensor = input
  for (const [i, filters] of convFilters(config).entries()) {
    h = tfl.layers
      .conv2d({
        filters,
        kernelSize: 4,
        strides: 2,
        padding: 'same',
        useBias: !norm,
        // ReLU inside the layer, not as a layer of its own: a conv with a fused activation is
        // differentiated op by op, so the gradient of the input images, which nothing uses, is
        // never computed (a linear fused conv's custom gradient computes every input's).
        activation: norm ? undefined : 'relu',
        kernelInitializer: seeds.glorot(),
        name: `enc_conv${i + 1}`,
      })
      .apply(h) as tfl.SymbolicTensor
    if (norm) h = activation(h, norm, `enc${i + 1}`)
  }
  h = tfl.layers.flatten({ name: 'enc_flatten' }).apply(h) as tfl.SymbolicTensor
  const moments = tfl.layers
    .dense({ units: 2 * config.latent, kernelInitializer: seeds.glorot(), name: 'enc_moments' })
    .apply(h) as tfl.SymbolicTensor
  return tfl.model({ inputs: input, outputs: moments, name: 'encoder' })
}

/**
 * The decoder p(x|z): dense L -> (S/16)^2 * 8F, reshape, four transposed convs (kernel 4,
 * stride 2) to 4F/2F/F/3 filters, the last with a sigmoid so pixels are in 0..1.
 */
export function decoder(config: ModelConfig, seed = 0): tfl.LayersModel {
  checkConfig(config)
  const seeds = new Seeds(seed * 2 + 1)
  const norm = config.kind === 'default'
  const side = bottleneckSide(config.size)
  const filters = convFilters(config)
  const top = filters[3] as number
  const input = tfl.input({ shape: [config.latent], name: 'z' })
  let h = tfl.layers
    .dense({
      units: side * side * top,
      useBias: !norm,
      kernelInitializer: seeds.glorot(),
      name: 'dec_dense',
    })
    .apply(input) as tfl.SymbolicTensor
  h = activation(h, norm, 'dec0')
  h = tfl.layers
    .reshape({ targetShape: [side, side, top], name: 'dec_reshape' })
    .apply(h) as tfl.SymbolicTensor
  const outs = [filters[2], filters[1], filters[0], 3] as number[]
  for (const [i, out] of outs.entries()) {
    const last = i === outs.length - 1
    h = tfl.layers
      .conv2dTranspose({
        filters: out,
        kernelSize: 4,
        strides: 2,
        padding: 'same',
        useBias: last || !norm,
        kernelInitializer: seeds.glorot(),
        activation: last ? 'sigmoid' : undefined,
        name: `dec_deconv${i + 1}`,
      })
      .apply(h) as tfl.SymbolicTensor
    if (!last) h = activation(h, norm, `dec${i + 1}`)
  }
  return tfl.model({ inputs: input, outputs: h, name: 'decoder' })
}

function activation(h: tfl.SymbolicTensor, norm: boolean, name: string): tfl.SymbolicTensor {
  if (!norm) return tfl.layers.reLU({ name: `${name}_relu` }).apply(h) as tfl.SymbolicTensor
  // Momentum 0.9, not Keras's 0.99: the moving statistics that decoding uses must settle within
  // the few hundred steps a short run on a laptop CPU makes (at 0.99 they still lag after 100).
  h = tfl.layers
    .batchNormalization({ momentum: 0.9, name: `${name}_bn` })
    .apply(h) as tfl.SymbolicTensor
  return tfl.layers.leakyReLU({ alpha: 0.2, name: `${name}_lrelu` }).apply(h) as tfl.SymbolicTensor
}

/** Builds both halves; the same seed gives the same initial weights. */
export function buildVae(config: ModelConfig, seed = 0): Vae {
  return { config, encoder: encoder(config, seed), decoder: decoder(config, seed) }
}

export function disposeVae(vae: Vae): void {
  vae.encoder.dispose()
  vae.decoder.dispose()
}

/** Splits the encoder's output [B, 2L] into mu and logVar, each [B, L]. */
export function splitMoments(moments: tf.Tensor2D): { mu: tf.Tensor2D; logVar: tf.Tensor2D } {
  const latent = (moments.shape[1] as number) / 2
  const [mu, logVar] = tf.split(moments, [latent, latent], 1) as [tf.Tensor2D, tf.Tensor2D]
  return { mu, logVar }
}

/** Runs the encoder; `training` switches batch norm to batch statistics. */
export function encode(
  vae: Vae,
  images: tf.Tensor4D,
  training = false,
): { mu: tf.Tensor2D; logVar: tf.Tensor2D } {
  return tf.tidy(() => {
    const moments = vae.encoder.apply(images, { training }) as tf.Tensor2D
    return splitMoments(moments)
  })
}

/** Runs the decoder: latents [B, L] -> images [B, S, S, 3] in 0..1. */
export function decode(vae: Vae, z: tf.Tensor2D, training = false): tf.Tensor4D {
  return vae.decoder.apply(z, { training }) as tf.Tensor4D
}
