/**
 * The incremental map: images added to a project are placed in the layout it
 * already has, by their nearest neighbours in latent space, instead of a full
 * re-projection (UMAP of 100,000 points takes minutes; placing a few hundred
 * takes a second). Pure functions; the map service decides when to use them.
 */
import { exactKnn } from './neighbours'

/** Neighbours whose positions a placed point's position is the weighted mean of. */
export const PLACE_NEIGHBOURS = 10

/**
 * The positions an earlier layout gives the current images, matched by their
 * content hashes (a hash seen twice matches its rows in order): n x 3, NaN for
 * an image the earlier layout did not have.
 */
export function keptLayout(
  earlierHashes: readonly string[],
  earlierPositions: Float32Array,
  hashes: readonly string[],
): { keep: Float32Array; kept: number } {
  const rows = new Map<string, number[]>()
  earlierHashes.forEach((hash, row) => {
    const list = rows.get(hash)
    if (list) list.push(row)
    else rows.set(hash, [row])
  })
  const keep = new Float32Array(hashes.length * 3).fill(Number.NaN)
  let kept = 0
  hashes.forEach((hash, i) => {
    const row = rows.get(hash)?.shift()
    if (row === undefined) return
    keep.set(earlierPositions.subarray(row * 3, row * 3 + 3), i * 3)
    kept++
  })
  return { keep, kept }
}

/** True where point i has no position in `keep` yet. */
export function isNew(keep: Float32Array, i: number): boolean {
  return Number.isNaN(keep[i * 3])
}

/**
 * Fills the NaN rows of `keep` (n x 3): each new point goes to the mean of the
 * positions of its `k` nearest kept points in latent space, weighted by inverse
 * distance (how UMAP itself places a new point before refining it). Kept points
 * stay exactly where they were, so the layout the artist knows does not move.
 */
export function placeByNeighbours(
  latents: Float32Array,
  n: number,
  dim: number,
  keep: Float32Array,
  k = PLACE_NEIGHBOURS,
): Float32Array {
  // Kept rows first, so the search runs over the first `m` rows only.
  const order: number[] = []
  for (let i = 0; i < n; i++) if (!isNew(keep, i)) order.push(i)
  const m = order.length
  if (m === 0) throw new RangeError('placeByNeighbours needs at least one kept point')
  for (let i = 0; i < n; i++) if (isNew(keep, i)) order.push(i)
  const data = new Float32Array(n * dim)
  order.forEach((row, at) => data.set(latents.subarray(row * dim, (row + 1) * dim), at * dim))
  const queries = Int32Array.from({ length: n - m }, (_, j) => m + j)
  const near = Math.min(k, m)
  const found = exactKnn(data, n, dim, queries, near, m)

  const out = keep.slice()
  for (let j = 0; j < queries.length; j++) {
    const at = queries[j]
    const weighted = [0, 0, 0]
    let total = 0
    for (let r = 0; r < near; r++) {
      const c = found[j * near + r]
      let d = 0
      for (let t = 0; t < dim; t++) d += (data[at * dim + t] - data[c * dim + t]) ** 2
      const w = 1 / (Math.sqrt(d) + 1e-6)
      for (let a = 0; a < 3; a++) weighted[a] += w * keep[order[c] * 3 + a]
      total += w
    }
    for (let a = 0; a < 3; a++) out[order[at] * 3 + a] = weighted[a] / total
  }
  return out
}
