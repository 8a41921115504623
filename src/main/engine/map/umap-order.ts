/**
 * The order the layout threads see the points in: sorted along the start layout's widest
 * axis. Each thread then owns one side of the cloud, so few edges cross between threads
 * (those read a point one epoch old), and a point's neighbours sit near it in memory.
 */

/** order[r] is the point at place r; place[p] is where point p is. */
export interface PointOrder {
  order: Int32Array
  place: Int32Array
}

/** The points (n x 3) sorted along their widest axis (ties by index, so the order is fixed). */
export function alongWidestAxis(positions: Float32Array, n: number): PointOrder {
  let axis = 0
  let widest = -1
  for (let c = 0; c < 3; c++) {
    let [lo, hi] = [Infinity, -Infinity]
    for (let i = 0; i < n; i++) {
      lo = Math.min(lo, positions[i * 3 + c])
      hi = Math.max(hi, positions[i * 3 + c])
    }
    if (hi - lo > widest) [axis, widest] = [c, hi - lo]
  }
  const order = Int32Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => positions[a * 3 + axis] - positions[b * 3 + axis] || a - b,
  )
  const place = new Int32Array(n)
  for (let r = 0; r < n; r++) place[order[r]] = r
  return { order, place }
}

/** Rows of `width` values in the order: row r is the point order[r]'s. */
export function inOrder<T extends Float32Array | Int32Array>(
  rows: T,
  width: number,
  { order }: PointOrder,
): T {
  const out = new (rows.constructor as new (length: number) => T)(rows.length)
  for (let r = 0; r < order.length; r++) {
    out.set(rows.subarray(order[r] * width, order[r] * width + width), r * width)
  }
  return out
}

/** Rows back in the points' own order (the inverse of inOrder). */
export function inPointOrder(
  rows: Float32Array,
  width: number,
  { order }: PointOrder,
): Float32Array {
  const out = new Float32Array(rows.length)
  for (let r = 0; r < order.length; r++) {
    out.set(rows.subarray(r * width, r * width + width), order[r] * width)
  }
  return out
}

/** A kNN graph (n x k indices) in the order: rows moved, and each neighbour named by its place. */
export function knnInOrder(indices: Int32Array, k: number, points: PointOrder): Int32Array {
  const out = inOrder(indices, k, points)
  for (let e = 0; e < out.length; e++) out[e] = points.place[out[e]]
  return out
}
