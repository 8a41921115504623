/**
 * Ex-post density estimation (Ghosh et al. 2020): a VAE's codes do not fill N(0, I), so faces
 * decoded from the prior's empty regions look like no one. A small diagonal Gaussian mixture
 * fitted by EM to the training images' mu, and sampled instead, stays where the faces are.
 */
import type { LatentDensity } from '@shared/contract'
import { mulberry32 } from '../random'
import { normalSource } from './random'

/** Components fitted unless told otherwise: enough for CelebA's modes, few enough for 1,000 images. */
export const MIXTURE_COMPONENTS = 10

/** EM iterations: the log-likelihood of 7,000 CelebA codes has settled well before this. */
const EM_ITERATIONS = 60

/** Floor of each component's variance: keeps a component on a few near-equal codes from collapsing. */
const MIN_VARIANCE = 1e-3

/**
 * Fits a diagonal Gaussian mixture to `points` (n x dim, row-major) by EM, from means at `k`
 * distinct points drawn with `seed`: the same points and seed give the same mixture.
 */
export function fitGaussianMixture(
  points: Float32Array,
  dim: number,
  k = MIXTURE_COMPONENTS,
  seed = 1,
): LatentDensity {
  const n = points.length / dim
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`fitGaussianMixture: ${points.length} numbers are not rows of ${dim}`)
  const components = Math.min(k, n)
  const random = mulberry32(seed)
  const order = Array.from({ length: n }, (_, i) => i)
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[order[i], order[j]] = [order[j] as number, order[i] as number]
  }
  const spread = columnVariance(points, dim, n)
  const means = order
    .slice(0, components)
    .map((row) => Array.from(points.subarray(row * dim, (row + 1) * dim)))
  let variances = means.map(() => [...spread])
  let weights = means.map(() => 1 / components)
  const resp = new Float64Array(n * components)
  for (let iteration = 0; iteration < EM_ITERATIONS; iteration++) {
    responsibilities(points, dim, { weights, means, variances }, resp)
    const next = maximise(points, dim, resp, components)
    weights = next.weights
    for (let c = 0; c < components; c++) means[c] = next.means[c] as number[]
    variances = next.variances
  }
  return { weights, means, variances }
}

/** n codes from the mixture, each component's spread scaled by `temperature`; n x dim. */
export function sampleMixture(
  density: LatentDensity,
  n: number,
  temperature: number,
  seed: number,
): Float32Array {
  const pick = mulberry32(seed ^ 0x5bd1e995)
  const normal = normalSource(seed)
  const dim = density.means[0]?.length ?? 0
  const out = new Float32Array(n * dim)
  for (let s = 0; s < n; s++) {
    const c = componentAt(density.weights, pick())
    const mean = density.means[c] as number[]
    const variance = density.variances[c] as number[]
    for (let i = 0; i < dim; i++) {
      out[s * dim + i] =
        (mean[i] as number) + temperature * Math.sqrt(variance[i] as number) * normal()
    }
  }
  return out
}

function componentAt(weights: number[], u: number): number {
  let acc = 0
  for (let c = 0; c < weights.length; c++) {
    acc += weights[c] as number
    if (u < acc) return c
  }
  return weights.length - 1
}

function columnVariance(points: Float32Array, dim: number, n: number): number[] {
  const mean = new Float64Array(dim)
  const square = new Float64Array(dim)
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < dim; i++) {
      const v = points[r * dim + i] as number
      mean[i] = (mean[i] as number) + v / n
      square[i] = (square[i] as number) + (v * v) / n
    }
  }
  return Array.from(mean, (m, i) => Math.max((square[i] as number) - m * m, MIN_VARIANCE))
}

/** E step: each point's posterior over the components, in `resp` (n x k), via log-sum-exp. */
function responsibilities(
  points: Float32Array,
  dim: number,
  density: LatentDensity,
  resp: Float64Array,
): void {
  const k = density.weights.length
  const n = points.length / dim
  const constants = density.variances.map(
    (variance, c) =>
      Math.log(density.weights[c] as number) -
      0.5 * variance.reduce((sum, v) => sum + Math.log(2 * Math.PI * v), 0),
  )
  for (let r = 0; r < n; r++) {
    let best = -Infinity
    for (let c = 0; c < k; c++) {
      const mean = density.means[c] as number[]
      const variance = density.variances[c] as number[]
      let quad = 0
      for (let i = 0; i < dim; i++) {
        const d = (points[r * dim + i] as number) - (mean[i] as number)
        quad += (d * d) / (variance[i] as number)
      }
      const log = (constants[c] as number) - 0.5 * quad
      resp[r * k + c] = log
      if (log > best) best = log
    }
    let total = 0
    for (let c = 0; c < k; c++) total += Math.exp((resp[r * k + c] as number) - best)
    const norm = best + Math.log(total)
    for (let c = 0; c < k; c++) resp[r * k + c] = Math.exp((resp[r * k + c] as number) - norm)
  }
}

/** M step: weights, means and variances from the responsibilities. */
function maximise(points: Float32Array, dim: number, resp: Float64Array, k: number): LatentDensity {
  const n = points.length / dim
  const mass = new Float64Array(k)
  const sums = Array.from({ length: k }, () => new Float64Array(dim))
  const squares = Array.from({ length: k }, () => new Float64Array(dim))
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < k; c++) {
      const w = resp[r * k + c] as number
      mass[c] = (mass[c] as number) + w
      const sum = sums[c] as Float64Array
      const square = squares[c] as Float64Array
      for (let i = 0; i < dim; i++) {
        const v = points[r * dim + i] as number
        sum[i] = (sum[i] as number) + w * v
        square[i] = (square[i] as number) + w * v * v
      }
    }
  }
  // A component that lost every point keeps a tiny weight at the origin rather than NaN.
  const held = Array.from(mass, (m) => Math.max(m, 1e-9))
  return {
    weights: held.map((m) => m / held.reduce((a, b) => a + b, 0)),
    means: sums.map((sum, c) => Array.from(sum, (s) => s / (held[c] as number))),
    variances: squares.map((square, c) =>
      Array.from(square, (s, i) => {
        const mean = ((sums[c] as Float64Array)[i] as number) / (held[c] as number)
        return Math.max(s / (held[c] as number) - mean * mean, MIN_VARIANCE)
      }),
    ),
  }
}
