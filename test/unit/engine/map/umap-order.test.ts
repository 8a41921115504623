import { describe, expect, it } from 'vitest'
import {
  alongWidestAxis,
  inOrder,
  inPointOrder,
  knnInOrder,
} from '../../../../src/main/engine/map/umap-order'

describe('alongWidestAxis', () => {
  it('sorts the points along the axis with the widest spread, ties by index', () => {
    // y spreads over 9, x over 2, z over 0; points 1 and 3 tie on y.
    const positions = new Float32Array([0, 9, 0, 1, 4, 0, 2, 0, 0, 0, 4, 0])
    const { order, place } = alongWidestAxis(positions, 4)
    expect(Array.from(order)).toEqual([2, 1, 3, 0])
    expect(Array.from(place)).toEqual([3, 1, 0, 2])
  })

  it('moves rows into the order and back unchanged', () => {
    const positions = new Float32Array([5, 0, 0, 1, 0, 0, 3, 0, 0])
    const points = alongWidestAxis(positions, 3)
    const moved = inOrder(positions, 3, points)
    expect(Array.from(moved)).toEqual([1, 0, 0, 3, 0, 0, 5, 0, 0])
    expect(Array.from(inPointOrder(moved, 3, points))).toEqual(Array.from(positions))
  })

  it('renames a kNN graph so that each place keeps the neighbours of its point', () => {
    const points = alongWidestAxis(new Float32Array([5, 0, 0, 1, 0, 0, 3, 0, 0]), 3)
    // Point p's neighbours: itself, then the two others.
    const indices = new Int32Array([0, 2, 1, 1, 2, 0, 2, 0, 1])
    const renamed = knnInOrder(indices, 3, points)
    for (let r = 0; r < 3; r++) {
      const p = points.order[r]
      for (let j = 0; j < 3; j++) expect(points.order[renamed[r * 3 + j]]).toBe(indices[p * 3 + j])
    }
    expect(renamed[0]).toBe(0) // each point stays first in its own row
  })
})
