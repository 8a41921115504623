/**
 * Attribute vectors (DESIGN.md): v = mean(mu | A) - mean(mu | not A), applied
 * as z + alpha * v. Alpha is measured in spreads: the standard deviation of
 * every face's projection onto unit(v), so alpha = 1 moves a face by about the
 * typical difference between two faces in that direction, whatever the model.
 */
import { dot, norm } from './interpolate'

export interface AttributeVector {
  /** mean(mu | A) - mean(mu | not A). */
  v: Float32Array
  countA: number
  countB: number
  /** |v|. */
  norm: number
  /** Standard deviation of <mu, unit(v)> over all the latents given. */
  spread: number
}

/**
 * Computes the vector from `latents` (count x dim, row-major) and two disjoint
 * index sets; `b` defaults to every image not in `a`.
 */
export function attributeVector(
  latents: Float32Array,
  dim: number,
  a: Iterable<number>,
  b?: Iterable<number>,
): AttributeVector {
  const count = Math.floor(latents.length / dim)
  const inA = new Uint8Array(count)
  for (const i of a) {
    checkIndex(i, count)
    inA[i] = 1
  }
  let bList: number[]
  if (b === undefined) {
    bList = []
    for (let i = 0; i < count; i++) if (!inA[i]) bList.push(i)
  } else {
    bList = [...b]
    for (const i of bList) checkIndex(i, count)
  }
  const aList: number[] = []
  for (let i = 0; i < count; i++) if (inA[i]) aList.push(i)
  if (aList.length === 0 || bList.length === 0) {
    throw new RangeError(
      `an attribute needs images with it and without it (got ${aList.length} with, ${bList.length} without)`,
    )
  }
  const meanA = mean(latents, dim, aList)
  const meanB = mean(latents, dim, bList)
  const v = new Float32Array(dim)
  for (let d = 0; d < dim; d++) v[d] = meanA[d] - meanB[d]
  const length = norm(v)
  return {
    v,
    countA: aList.length,
    countB: bList.length,
    norm: length,
    spread: spreadAlong(latents, dim, v),
  }
}

/** Standard deviation of the projections of every row of `latents` onto unit(v); 0 for a zero v. */
export function spreadAlong(latents: Float32Array, dim: number, v: Float32Array): number {
  const length = norm(v)
  const count = Math.floor(latents.length / dim)
  if (length === 0 || count < 2) return 0
  let sum = 0
  let sumSq = 0
  for (let i = 0; i < count; i++) {
    const p = dot(latents.subarray(i * dim, (i + 1) * dim), v) / length
    sum += p
    sumSq += p * p
  }
  const m = sum / count
  return Math.sqrt(Math.max(0, sumSq / count - m * m))
}

/**
 * `v` without its components along any of the `kept` vectors: its projection
 * onto the orthogonal complement of their span (InterFaceGAN's conditional
 * manipulation), so moving along the result leaves every kept attribute's
 * projection unchanged. Kept vectors need not be orthogonal to each other: an
 * orthonormal basis of their span is built first (Gram-Schmidt, run twice for
 * accuracy in float32 data), and a kept vector that lies in the span of the
 * earlier ones (or is zero) adds nothing to it.
 */
export function keepOrthogonal(v: ArrayLike<number>, kept: ArrayLike<number>[]): Float32Array {
  const basis: Float64Array[] = []
  for (const k of kept) {
    if (k.length !== v.length) {
      throw new RangeError(`a kept vector has ${k.length} numbers, the vector ${v.length}`)
    }
    const length = norm(k)
    const u = withoutSpan(Float64Array.from(k), basis)
    const rest = norm(u)
    // Below this the remainder is rounding noise of a vector already in the span.
    if (rest > 1e-6 * length) basis.push(u.map((x) => x / rest))
  }
  return Float32Array.from(withoutSpan(Float64Array.from(v), basis))
}

/** x minus its projection onto the span of the orthonormal `basis`, in place (two passes). */
function withoutSpan(x: Float64Array, basis: Float64Array[]): Float64Array {
  for (let pass = 0; pass < 2; pass++) {
    for (const u of basis) {
      const c = dot(x, u)
      for (let d = 0; d < x.length; d++) x[d] -= c * u[d]
    }
  }
  return x
}

/** A vector with its strength: z moves by alpha * spread along unit(v). */
export interface AppliedVector {
  v: ArrayLike<number>
  spread: number
  alpha: number
}

/** Adds every vector to each row of `codes` (n x dim), in place; returns `codes`. */
export function applyVectors(
  codes: Float32Array,
  dim: number,
  vectors: AppliedVector[],
): Float32Array {
  for (const { v, spread, alpha } of vectors) {
    const length = norm(v)
    if (length === 0 || alpha === 0) continue
    const step = (alpha * spread) / length
    for (let row = 0; row < codes.length; row += dim) {
      for (let d = 0; d < dim; d++) codes[row + d] += step * v[d]
    }
  }
  return codes
}

function mean(latents: Float32Array, dim: number, rows: number[]): Float64Array {
  const m = new Float64Array(dim)
  for (const i of rows) for (let d = 0; d < dim; d++) m[d] += latents[i * dim + d]
  for (let d = 0; d < dim; d++) m[d] /= rows.length
  return m
}

function checkIndex(i: number, count: number): void {
  if (!Number.isInteger(i) || i < 0 || i >= count) {
    throw new RangeError(`image ${i} is not in the latents (0..${count - 1})`)
  }
}
