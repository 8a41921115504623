/**
 * Exact nearest neighbours by brute force and the neighbourhood-preservation
 * score of a projection. Brute force is exact and, for the k = 10 and the few
 * thousand queries used here, fast enough: 1,000 queries over 200,000 latents
 * of 32 dimensions is 6.4 G multiply-adds, a few seconds off the message loop.
 */

import { mulberry32 } from '../random'

/**
 * The `k` nearest points (squared Euclidean distance) to each of `queries`,
 * among the first `candidates` (all `n`) points of `data` (n x dim, row-major),
 * leaving out the query itself. Ties go to the lower index, so the answer is
 * deterministic. Returns queries.length x k indices, nearest first (-1 where
 * fewer than k candidates).
 */
export function exactKnn(
  data: ArrayLike<number>,
  n: number,
  dim: number,
  queries: ArrayLike<number>,
  k: number,
  candidates = n,
): Int32Array {
  const out = new Int32Array(queries.length * k).fill(-1)
  const bestD = new Float64Array(k)
  const bestI = new Int32Array(k)
  for (let qi = 0; qi < queries.length; qi++) {
    const q = queries[qi]
    const qrow = q * dim
    let found = 0
    for (let i = 0; i < candidates; i++) {
      if (i === q) continue
      const row = i * dim
      let d = 0
      for (let j = 0; j < dim; j++) {
        const diff = data[row + j] - data[qrow + j]
        d += diff * diff
      }
      if (found === k && d >= bestD[k - 1]) continue
      // Insertion into the sorted list of the best so far; strict < keeps lower indices first.
      let pos = found < k ? found : k - 1
      while (pos > 0 && bestD[pos - 1] > d) {
        bestD[pos] = bestD[pos - 1]
        bestI[pos] = bestI[pos - 1]
        pos--
      }
      bestD[pos] = d
      bestI[pos] = i
      if (found < k) found++
    }
    for (let j = 0; j < found; j++) out[qi * k + j] = bestI[j]
  }
  return out
}

export interface NeighbourhoodOptions {
  /** Neighbours per point (10 in the issue). */
  k?: number
  /** Up to this many points every point is a query; above it, a seeded sample is. */
  maxExact?: number
  /** Number of sampled query points when n > maxExact. */
  sample?: number
  seed?: number
}

/** How well a projection keeps each point's latent-space neighbours. */
export interface NeighbourhoodScore {
  /** Mean over the query points of |kNN_latent ∩ kNN_3d| / k, in 0..1. */
  score: number
  k: number
  /** How many points were scored (all of them, or the sample). */
  queries: number
  /** True when the score is over a random sample of query points (their neighbours are still exact). */
  sampled: boolean
}

/** Each query point's `k` nearest neighbours in latent space: the half of the score that needs no projection. */
export interface LatentNeighbours {
  k: number
  queries: Int32Array
  /** queries.length x k indices, nearest first. */
  indices: Int32Array
  sampled: boolean
}

/**
 * The query points of the neighbourhood score and their latent-space neighbours. For
 * n <= maxExact (10,000) every point is a query; above that a seeded sample of `sample`
 * (1,000) points is, each against all n points, so each sampled term is exact and only
 * the average is an estimate (standard error about 0.3 / sqrt(sample) ≈ 0.01).
 */
export function latentNeighbours(
  latents: ArrayLike<number>,
  dim: number,
  n: number,
  options: NeighbourhoodOptions = {},
): LatentNeighbours {
  const k = Math.min(options.k ?? 10, Math.max(0, n - 1))
  const sampled = n > (options.maxExact ?? 10_000)
  const queries = sampled ? sampleIndices(n, options.sample ?? 1000, options.seed ?? 1) : range(n)
  const indices = k === 0 ? new Int32Array(0) : exactKnn(latents, n, dim, queries, k)
  return { k, queries, indices, sampled }
}

/** How many of each query's latent neighbours stay among its `k` nearest in the projection. */
export function keptNeighbours(
  latent: LatentNeighbours,
  positions: ArrayLike<number>,
  n: number,
): NeighbourhoodScore {
  const { k, queries, sampled } = latent
  if (k === 0) return { score: 1, k: 0, queries: 0, sampled: false }
  const inMap = exactKnn(positions, n, 3, queries, k)
  let total = 0
  const mark = new Set<number>()
  for (let qi = 0; qi < queries.length; qi++) {
    mark.clear()
    for (let j = 0; j < k; j++) mark.add(latent.indices[qi * k + j])
    let kept = 0
    for (let j = 0; j < k; j++) if (mark.has(inMap[qi * k + j])) kept++
    total += kept / k
  }
  return { score: total / queries.length, k, queries: queries.length, sampled }
}

/**
 * The fraction of each point's `k` nearest neighbours in latent space that
 * stay among its `k` nearest in the projection, averaged over the query
 * points (all, or a seeded sample above 10,000: see `latentNeighbours`).
 */
export function neighbourhoodPreservation(
  latents: ArrayLike<number>,
  dim: number,
  positions: ArrayLike<number>,
  n: number,
  options: NeighbourhoodOptions = {},
): NeighbourhoodScore {
  return keptNeighbours(latentNeighbours(latents, dim, n, options), positions, n)
}

function range(n: number): Int32Array {
  const out = new Int32Array(n)
  for (let i = 0; i < n; i++) out[i] = i
  return out
}

/** `count` distinct indices below n, sorted, from a seeded shuffle. */
export function sampleIndices(n: number, count: number, seed: number): Int32Array {
  const all = range(n)
  const random = mulberry32(seed)
  const m = Math.min(count, n)
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(random() * (n - i))
    const t = all[i]
    all[i] = all[j]
    all[j] = t
  }
  return all.slice(0, m).sort()
}
