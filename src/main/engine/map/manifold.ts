/**
 * How far a latent code is from the faces the model was trained on: the mean
 * Euclidean distance to its k nearest training codes, against the same
 * distance for the training codes themselves (each to its k nearest others).
 * A code beyond a high percentile of those is off the manifold the decoder
 * learned, and what it draws there is a guess.
 */
import { exactKnn, sampleIndices } from './neighbours'

/** The k nearest rows of `data` (n x dim) to `code`, nearest first, with their distances. */
export function nearestRows(
  data: ArrayLike<number>,
  n: number,
  dim: number,
  code: ArrayLike<number>,
  k: number,
  skip = -1,
): { indices: number[]; distances: number[] } {
  const best: { i: number; d: number }[] = []
  for (let i = 0; i < n; i++) {
    if (i === skip) continue
    let d = 0
    for (let j = 0; j < dim; j++) {
      const diff = data[i * dim + j] - code[j]
      d += diff * diff
    }
    if (best.length === k && d >= best[k - 1].d) continue
    // Sorted insertion; strict > keeps the lower index first on ties.
    let pos = best.length
    while (pos > 0 && best[pos - 1].d > d) pos--
    best.splice(pos, 0, { i, d })
    if (best.length > k) best.pop()
  }
  return { indices: best.map((b) => b.i), distances: best.map((b) => Math.sqrt(b.d)) }
}

/** Mean of the distances to the k nearest rows. */
export function meanKnnDistance(
  data: ArrayLike<number>,
  n: number,
  dim: number,
  code: ArrayLike<number>,
  k: number,
): number {
  const { distances } = nearestRows(data, n, dim, code, k)
  return distances.reduce((s, d) => s + d, 0) / (distances.length || 1)
}

/** The q-quantile (0..1) of `values`, interpolated linearly between order statistics. */
export function quantile(values: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(values).sort()
  if (sorted.length === 0) return NaN
  const at = Math.min(1, Math.max(0, q)) * (sorted.length - 1)
  const low = Math.floor(at)
  const high = Math.min(sorted.length - 1, low + 1)
  return sorted[low] + (sorted[high] - sorted[low]) * (at - low)
}

/**
 * The distance beyond which a code counts as far: the `q` quantile of the
 * training codes' mean distances to their k nearest other training codes,
 * over a seeded sample of `sample` training codes (all of them when fewer).
 */
export function manifoldThreshold(
  data: ArrayLike<number>,
  n: number,
  dim: number,
  options: { k: number; q: number; sample?: number; seed?: number },
): number {
  const { k, q } = options
  const queries = sampleIndices(n, options.sample ?? 1000, options.seed ?? 1)
  const neighbours = exactKnn(data, n, dim, queries, k)
  const means = new Float64Array(queries.length)
  queries.forEach((row, qi) => {
    let sum = 0
    let found = 0
    for (let j = 0; j < k; j++) {
      const other = neighbours[qi * k + j]
      if (other < 0) continue
      let d = 0
      for (let t = 0; t < dim; t++) d += (data[row * dim + t] - data[other * dim + t]) ** 2
      sum += Math.sqrt(d)
      found++
    }
    means[qi] = found > 0 ? sum / found : 0
  })
  return quantile(means, q)
}
