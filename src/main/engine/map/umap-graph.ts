/**
 * UMAP's fuzzy neighbour graph, as umap-learn builds it from a kNN graph: each point's
 * neighbours weighted by a smoothed exponential of their distance (smooth_knn_dist), the
 * directed weights joined by fuzzy union (w + wᵀ - w∘wᵀ), and each edge's sampling period
 * for the layout's SGD (make_epochs_per_sample).
 */

/** Binary-search steps and tolerance of the smoothing (umap-learn's). */
const SMOOTH_STEPS = 64
const SMOOTH_TOLERANCE = 1e-5
/** A point's bandwidth is at least this share of the mean neighbour distance (umap-learn's). */
const MIN_BANDWIDTH_SHARE = 1e-3

/** A symmetric graph in compressed rows: the edges of point i are heads[i] .. heads[i + 1]. */
export interface FuzzyGraph {
  n: number
  heads: Int32Array
  tails: Int32Array
  weights: Float32Array
}

/**
 * The fuzzy union of the smoothed kNN memberships. `indices` and `distances` are n x k,
 * row-major, nearest first, with each point itself in column 0 at distance 0 (umap-learn's
 * and embedding-atlas's layout). The same kNN graph gives the same graph, edge for edge.
 */
export function fuzzyGraph(
  indices: Int32Array,
  distances: Float32Array,
  n: number,
  k: number,
): FuzzyGraph {
  const memberships = smoothedMemberships(distances, n, k)
  const weightOf = (from: number, to: number): number => {
    for (let j = 1; j < k; j++) if (indices[from * k + j] === to) return memberships[from * k + j]
    return 0
  }
  // Every directed edge and its reverse, with the union's weight; a pair seen from both
  // ends is kept once, from the end with the lower index. Counted first, then filled.
  const union = new Float32Array(n * k)
  const heads = new Int32Array(n + 1)
  for (let i = 0; i < n; i++) {
    for (let j = 1; j < k; j++) {
      const t = indices[i * k + j]
      if (t === i || t < 0) continue
      const there = weightOf(t, i)
      if (there > 0 && t < i) continue
      const w = memberships[i * k + j]
      union[i * k + j] = w + there - w * there
      if (union[i * k + j] <= 0) continue
      heads[i + 1]++
      heads[t + 1]++
    }
  }
  for (let i = 0; i < n; i++) heads[i + 1] += heads[i]
  const filled = heads.slice(0, n)
  const tails = new Int32Array(heads[n])
  const weights = new Float32Array(heads[n])
  for (let i = 0; i < n; i++) {
    for (let j = 1; j < k; j++) {
      const w = union[i * k + j]
      if (!(w > 0)) continue
      const t = indices[i * k + j]
      tails[filled[i]] = t
      weights[filled[i]++] = w
      tails[filled[t]] = i
      weights[filled[t]++] = w
    }
  }
  return { n, heads, tails, weights }
}

/**
 * Each kNN edge's membership exp(-(d - ρ) / σ): ρ is the point's nearest non-zero distance,
 * σ is found so that its memberships sum to log2(k) (umap-learn's smooth_knn_dist with
 * local_connectivity 1). Column 0 (the point itself) gets 0.
 */
export function smoothedMemberships(distances: Float32Array, n: number, k: number): Float32Array {
  const target = Math.log2(k)
  let mean = 0
  for (let i = 0; i < n * k; i++) mean += distances[i]
  mean /= Math.max(1, n * k)
  const out = new Float32Array(n * k)
  for (let i = 0; i < n; i++) {
    const row = i * k
    let rho = 0
    for (let j = 1; j < k; j++) {
      if (distances[row + j] > 0) {
        rho = distances[row + j]
        break
      }
    }
    const sum = (sigma: number): number => {
      let s = 0
      for (let j = 1; j < k; j++) {
        const d = distances[row + j] - rho
        s += d > 0 ? Math.exp(-d / sigma) : 1
      }
      return s
    }
    let [lo, hi, sigma] = [0, Infinity, 1]
    for (let step = 0; step < SMOOTH_STEPS; step++) {
      const s = sum(sigma)
      if (Math.abs(s - target) < SMOOTH_TOLERANCE) break
      if (s > target) {
        hi = sigma
        sigma = (lo + hi) / 2
      } else {
        lo = sigma
        sigma = hi === Infinity ? sigma * 2 : (lo + hi) / 2
      }
    }
    let rowMean = 0
    for (let j = 0; j < k; j++) rowMean += distances[row + j] / k
    sigma = Math.max(sigma, MIN_BANDWIDTH_SHARE * (rho > 0 ? rowMean : mean))
    for (let j = 1; j < k; j++) {
      const d = distances[row + j] - rho
      out[row + j] = d > 0 ? Math.exp(-d / sigma) : 1
    }
  }
  return out
}

/**
 * How many epochs apart each edge is sampled (the heaviest every epoch); edges lighter
 * than 1/epochs of the heaviest are never sampled (Infinity), as umap-learn drops them.
 */
export function epochsPerSample(weights: Float32Array, epochs: number): Float32Array {
  let max = 0
  for (const w of weights) max = Math.max(max, w)
  const out = new Float32Array(weights.length)
  for (let e = 0; e < weights.length; e++) {
    out[e] = weights[e] >= max / epochs && weights[e] > 0 ? max / weights[e] : Infinity
  }
  return out
}
