import { describe, expect, it } from 'vitest'
import {
  exactKnn,
  neighbourhoodPreservation,
  sampleIndices,
} from '../../../../src/main/engine/map/neighbours'

describe('exactKnn', () => {
  it('lists the nearest points first, leaving out the point itself', () => {
    // Points on a line at 0, 1, 3, 7, 15.
    const data = [0, 1, 3, 7, 15]
    const knn = exactKnn(data, 5, 1, [0, 2, 4], 2)
    expect(Array.from(knn)).toEqual([1, 2, 1, 0, 3, 2])
  })

  it('breaks ties towards the lower index and pads with -1 when there are too few points', () => {
    expect(Array.from(exactKnn([0, -1, 1], 3, 1, [0], 2))).toEqual([1, 2])
    expect(Array.from(exactKnn([0, 5], 2, 1, [1], 3))).toEqual([0, -1, -1])
  })
})

describe('neighbourhoodPreservation', () => {
  /** Eight latent points in 2 tight pairs-of-four clusters, given here in 4D. */
  const latents = [
    [0, 0, 0, 0],
    [1, 0, 0, 0],
    [0, 2, 0, 0],
    [0, 0, 4, 0],
    [100, 0, 0, 0],
    [101, 0, 0, 0],
    [100, 2, 0, 0],
    [100, 0, 4, 0],
  ].flat()

  it('scores 1 when the map keeps every neighbour list (a uniformly scaled copy)', () => {
    const positions = [
      [0, 0, 0],
      [1, 0, 0],
      [0, 2, 0],
      [0, 0, 4],
      [100, 0, 0],
      [101, 0, 0],
      [100, 2, 0],
      [100, 0, 4],
    ]
      .flat()
      .map((x) => x * 0.01)
    const score = neighbourhoodPreservation(latents, 4, positions, 8, { k: 3 })
    expect(score).toEqual({ score: 1, k: 3, queries: 8, sampled: false })
  })

  it('counts the neighbours kept, hand-checked', () => {
    // k = 1. Latent nearest: 0->1, 1->0, 2->0, 3->0, 4->5, 5->4, 6->4, 7->4.
    // Map: swap points 1 and 5 between clusters, the rest as in latent space.
    const positions = [
      [0, 0, 0],
      [101, 0, 0],
      [0, 2, 0],
      [0, 0, 4],
      [100, 0, 0],
      [1, 0, 0],
      [100, 2, 0],
      [100, 0, 4],
    ].flat()
    // Map nearest: 0->5 (x), 1->4 (x), 2->0 (ok), 3->0 (ok), 4->1 (x), 5->0 (x), 6->4 (ok), 7->4 (ok).
    const score = neighbourhoodPreservation(latents, 4, positions, 8, { k: 1 })
    expect(score.score).toBeCloseTo(4 / 8, 12)
  })

  it('scores a sample of points, each against all of them, above maxExact', () => {
    const score = neighbourhoodPreservation(
      latents,
      4,
      latents.map((x) => x),
      8,
      {
        k: 2,
        maxExact: 4,
        sample: 3,
      },
    )
    expect(score.sampled).toBe(true)
    expect(score.queries).toBe(3)
  })

  it('samples distinct indices reproducibly', () => {
    const a = sampleIndices(1000, 50, 3)
    expect(new Set(a).size).toBe(50)
    expect(Array.from(a)).toEqual(Array.from(sampleIndices(1000, 50, 3)))
    expect(Math.max(...a)).toBeLessThan(1000)
  })
})
