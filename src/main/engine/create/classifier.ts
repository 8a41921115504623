/**
 * A simple attribute classifier on pixels, to measure what attribute vectors
 * do to decoded faces without trusting the latent space: images are
 * area-downsampled, standardised, and fed to class-balanced L2 logistic
 * regression trained by full-batch gradient descent (Adam steps).
 */

/** Area-averages n square RGB images (floats or bytes in 0..255 / 0..1) from `size` to `to` pixels. */
export function downsample(
  images: ArrayLike<number>,
  n: number,
  size: number,
  to: number,
  scale = 1,
): Float32Array {
  const f = size / to
  if (!Number.isInteger(f)) throw new RangeError(`cannot downsample ${size} to ${to}`)
  const out = new Float32Array(n * to * to * 3)
  const norm = scale / (f * f)
  for (let i = 0; i < n; i++) {
    const base = i * size * size * 3
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const src = base + (y * size + x) * 3
        const dst = i * to * to * 3 + (Math.floor(y / f) * to + Math.floor(x / f)) * 3
        out[dst] += images[src] * norm
        out[dst + 1] += images[src + 1] * norm
        out[dst + 2] += images[src + 2] * norm
      }
    }
  }
  return out
}

export interface Classifier {
  mean: Float32Array
  std: Float32Array
  weights: Float32Array
  bias: number
}

/** Trains on `x` (n x d) with binary labels `y`; positives and negatives weigh the same in total. */
export function trainClassifier(
  x: Float32Array,
  y: ArrayLike<number>,
  d: number,
  options: { steps?: number; l2?: number; rate?: number } = {},
): Classifier {
  const n = y.length
  const steps = options.steps ?? 300
  const l2 = options.l2 ?? 1e-2
  const rate = options.rate ?? 0.05
  const mean = new Float32Array(d)
  const std = new Float32Array(d)
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j] / n
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) std[j] += (x[i * d + j] - mean[j]) ** 2 / n
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]) + 1e-6
  const z = new Float32Array(n * d)
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) z[i * d + j] = (x[i * d + j] - mean[j]) / std[j]
  let positives = 0
  for (let i = 0; i < n; i++) positives += y[i] > 0 ? 1 : 0
  const wPos = positives > 0 ? n / (2 * positives) : 0
  const wNeg = positives < n ? n / (2 * (n - positives)) : 0
  const weights = new Float32Array(d)
  let bias = 0
  // Adam moments.
  const m = new Float64Array(d + 1)
  const v = new Float64Array(d + 1)
  const grad = new Float64Array(d + 1)
  for (let step = 1; step <= steps; step++) {
    grad.fill(0)
    for (let i = 0; i < n; i++) {
      let s = bias
      const row = i * d
      for (let j = 0; j < d; j++) s += weights[j] * z[row + j]
      const p = 1 / (1 + Math.exp(-s))
      const target = y[i] > 0 ? 1 : 0
      const g = (p - target) * (target ? wPos : wNeg)
      for (let j = 0; j < d; j++) grad[j] += g * z[row + j]
      grad[d] += g
    }
    for (let j = 0; j <= d; j++) {
      const g = grad[j] / n + (j < d ? l2 * weights[j] : 0)
      m[j] = 0.9 * m[j] + 0.1 * g
      v[j] = 0.999 * v[j] + 0.001 * g * g
      const update =
        (rate * (m[j] / (1 - 0.9 ** step))) / (Math.sqrt(v[j] / (1 - 0.999 ** step)) + 1e-8)
      if (j < d) weights[j] -= update
      else bias -= update
    }
  }
  return { mean, std, weights, bias }
}

/** P(attribute) for each of the n rows of `x`. */
export function classify(model: Classifier, x: Float32Array, n: number): Float32Array {
  const d = model.weights.length
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    let s = model.bias
    for (let j = 0; j < d; j++)
      s += model.weights[j] * ((x[i * d + j] - model.mean[j]) / model.std[j])
    out[i] = 1 / (1 + Math.exp(-s))
  }
  return out
}
