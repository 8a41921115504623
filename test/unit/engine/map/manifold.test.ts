import { describe, expect, it } from 'vitest'
import {
  manifoldThreshold,
  meanKnnDistance,
  nearestRows,
  quantile,
} from '../../../../src/main/engine/map/manifold'
import { normalSource } from '../../../../src/main/engine/create/random'

describe('off-manifold distance', () => {
  it('finds the nearest rows with their Euclidean distances, nearest first', () => {
    const data = Float32Array.from([0, 0, 3, 4, 1, 0, 10, 10])
    const { indices, distances } = nearestRows(data, 4, 2, [0, 0], 3)
    expect(indices).toEqual([0, 2, 1])
    expect(distances).toEqual([0, 1, 5])
    expect(meanKnnDistance(data, 4, 2, [0, 0], 3)).toBe(2)
    expect(nearestRows(data, 4, 2, [0, 0], 2, 0).indices).toEqual([2, 1])
  })

  it('interpolates quantiles between order statistics', () => {
    expect(quantile([4, 1, 3, 2, 5], 0.5)).toBe(3)
    expect(quantile([1, 2], 0.25)).toBe(1.25)
    expect(quantile([7], 0.99)).toBe(7)
  })

  it('puts training codes inside the threshold and a code pushed far away beyond it', () => {
    const n = 400
    const dim = 8
    const normal = normalSource(3)
    const data = Float32Array.from({ length: n * dim }, () => normal())
    const threshold = manifoldThreshold(data, n, dim, { k: 10, q: 0.99, sample: 400 })
    // Each training code's own distance to its 10 nearest others, as the threshold measures it.
    let inside = 0
    for (let i = 0; i < n; i++) {
      const { distances } = nearestRows(data, n, dim, data.subarray(i * dim, (i + 1) * dim), 10, i)
      if (distances.reduce((s, d) => s + d, 0) / 10 <= threshold) inside++
    }
    expect(inside / n).toBeCloseTo(0.99, 2)
    const near = data.slice(0, dim)
    const far = near.map((x) => x + 4)
    expect(meanKnnDistance(data, n, dim, far, 10)).toBeGreaterThan(threshold)
    expect(meanKnnDistance(data, n, dim, near, 10)).toBeLessThan(threshold)
  })
})
