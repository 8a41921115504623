import type { ImageSize, ModelKindName, ReconstructionLossName } from '@shared/contract'

// The builders support every DATASET_SIZES: each is four stride-2 steps from a square of size/16.

/** Everything that fixes a model's shape: two models with equal configs can share weights. */
export interface ModelConfig {
  kind: ModelKindName
  /** Width and height of the square RGB input. */
  size: ImageSize
  /** Number of latent dimensions, L. */
  latent: number
  /** Filters of the first conv layer; each of the four doubles it (32 gives 32/64/128/256). */
  filters: number
}

/** The benchmark model of DESIGN.md: 64x64, L = 32, 32/64/128/256 filters. */
export const BENCHMARK_CONFIG: ModelConfig = {
  kind: 'benchmark',
  size: 64,
  latent: 32,
  filters: 32,
}

/**
 * The default model: batch norm + leaky ReLU, L = 64 (its loss: DEFAULT_LOSS). Measured on CelebA-8k
 * (64px, 7,000 train / 1,000 held out, wasm, 25 minutes each, the three runs side by side on the
 * same 2 shared cores): held-out MSE per pixel 0.0157 against 0.0167 for the benchmark network
 * and 0.0165 for this one with BCE, though it made half the benchmark's steps (223 vs 423).
 */
export const DEFAULT_CONFIG: ModelConfig = { kind: 'default', size: 64, latent: 64, filters: 32 }

/**
 * The reconstruction term each kind trains with unless told otherwise (a model's manifest keeps
 * its own, so older projects train and resume as before). The default model's optimal-σ NLL,
 * on CelebA-8k (64px, 7,000 train / 1,000 held out, seed 1, wasm, 2 shared cores under load):
 * at 2 epochs each, held-out MSE per pixel 0.0130 against 0.0161 for squared error, detail kept
 * (Laplacian ratio) 8.3% against 8.1%, at 24 against 26 img/s; after 6.2 epochs, MSE 0.0100 and
 * detail 7.1% against 0.0113 and 6.2% for squared error at 10. KL rises from 58 to 237, so
 * `generate` samples a density fitted to the training codes.
 */
export const DEFAULT_LOSS: Record<ModelKindName, ReconstructionLossName> = {
  benchmark: 'squared',
  default: 'sigma',
}

/** The config of each kind at an image size, before the caller's overrides. */
export function defaultConfig(kind: ModelKindName, size: ImageSize): ModelConfig {
  return { ...(kind === 'benchmark' ? BENCHMARK_CONFIG : DEFAULT_CONFIG), size }
}

/** Filters of the four stride-2 conv layers of the encoder, input side first. */
export function convFilters(config: ModelConfig): number[] {
  return [1, 2, 4, 8].map((m) => config.filters * m)
}

/** Side of the smallest feature map (after four stride-2 steps). */
export function bottleneckSide(size: number): number {
  return size / 16
}
