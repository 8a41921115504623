/**
 * Level of detail where points overlap: when many points fall on each pixel
 * (a million points zoomed out), drawing all of them shows little more than
 * drawing a random part of them, at a fraction of the cost. The GPU buffers
 * hold the points in a fixed shuffled order, so the first `keep` of them are a
 * uniform sample; points the artist marked (search matches, selection, A/B,
 * the hovered one) are drawn besides, always. Hover, box selection and search
 * read every point on the CPU, drawn or not.
 */
import { POINT_STATE } from './point-colours'

/** Overlap (points drawn over one pixel, where the points are) above which the map thins. */
export const WANTED_LAYERS = 4
/** The smallest share of points drawn, however much they overlap. */
export const MIN_KEEP = 0.2

/** A seeded shuffle of 0..n-1: slot -> point index (the same n gives the same order). */
export function drawOrder(n: number): Uint32Array {
  const order = new Uint32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  let a = 0x9e3779b9
  for (let i = n - 1; i > 0; i--) {
    a = (Math.imul(a ^ (a >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0
    const j = a % (i + 1)
    const t = order[i]
    order[i] = order[j]
    order[j] = t
  }
  return order
}

/**
 * The share of points to draw, from how many land on each screen tile
 * (`counts`, tiles of `tileArea` px) and a point's area in px: enough that where
 * the typical point lies (the point-weighted median tile) WANTED_LAYERS remain,
 * in steps of 1/16 so that the sample changes rarely while the camera moves.
 */
export function keptShare(counts: Float32Array, tileArea: number, pointArea: number): number {
  const layers = Array.from(counts, (c) => (c * Math.max(1, pointArea)) / tileArea)
    .map((l, t) => ({ l, c: counts[t] }))
    .filter((t) => t.c > 0)
    .sort((x, y) => x.l - y.l)
  const total = layers.reduce((sum, t) => sum + t.c, 0)
  let seen = 0
  let median = 0
  for (const t of layers) {
    seen += t.c
    median = t.l
    if (seen >= total / 2) break
  }
  if (median <= WANTED_LAYERS) return 1
  const share = Math.max(MIN_KEEP, WANTED_LAYERS / median)
  return Math.min(1, Math.ceil(share * 16) / 16)
}

/**
 * The state whose points may be thinned: the commoner of plain and dimmed (a
 * search that matches few dims the rest, and its matches stay drawn).
 */
export function thinnedState(states: Uint8Array): number {
  let dimmed = 0
  let normal = 0
  for (let i = 0; i < states.length; i++) {
    if (states[i] === POINT_STATE.dimmed) dimmed++
    else if (states[i] === POINT_STATE.normal) normal++
  }
  return dimmed > normal ? POINT_STATE.dimmed : POINT_STATE.normal
}

/** The points a search keeps drawn whatever the share: those not in its thinned state, ascending. */
export interface SearchKept {
  thinned: number
  points: Int32Array
}

export function keptBySearch(search: Uint8Array): SearchKept {
  const thinned = thinnedState(search)
  let count = 0
  for (let i = 0; i < search.length; i++) if (search[i] !== thinned) count++
  const points = new Int32Array(count)
  let k = 0
  for (let i = 0; i < search.length; i++) if (search[i] !== thinned) points[k++] = i
  return { thinned, points }
}

/** The points drawn whatever the share: the search's kept ones, then the marked ones it thins. */
export function markedPoints(
  search: Uint8Array,
  kept: SearchKept,
  marks: Iterable<number>,
): Int32Array {
  const extra = Array.from(marks).filter((i) => search[i] === kept.thinned)
  const out = new Int32Array(kept.points.length + extra.length)
  out.set(kept.points)
  out.set(extra, kept.points.length)
  return out
}
