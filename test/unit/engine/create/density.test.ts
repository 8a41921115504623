import { describe, expect, it } from 'vitest'
import { fitGaussianMixture, sampleMixture } from '../../../../src/main/engine/create/density'
import { normalSource } from '../../../../src/main/engine/create/random'

/** 300 2-D points: 200 around (-5, 0) with sd 1, 100 around (5, 2) with sd 0.5. */
function twoClusters(): Float32Array {
  const normal = normalSource(3)
  const out = new Float32Array(300 * 2)
  for (let r = 0; r < 300; r++) {
    const [mx, my, sd] = r < 200 ? [-5, 0, 1] : [5, 2, 0.5]
    out[r * 2] = mx + sd * normal()
    out[r * 2 + 1] = my + sd * normal()
  }
  return out
}

describe('ex-post density estimation', () => {
  it('finds the clusters of the codes, their sizes and spreads', () => {
    const density = fitGaussianMixture(twoClusters(), 2, 2, 1)
    const left = density.means.findIndex((m) => (m[0] as number) < 0)
    const right = 1 - left
    expect(density.means[left]?.[0]).toBeCloseTo(-5, 0)
    expect(density.means[right]?.[0]).toBeCloseTo(5, 0)
    expect(density.means[right]?.[1]).toBeCloseTo(2, 0)
    expect(density.weights[left]).toBeCloseTo(2 / 3, 2)
    expect(Math.sqrt(density.variances[right]?.[0] as number)).toBeCloseTo(0.5, 1)
  })

  it('samples where the codes are, not between the clusters', () => {
    const density = fitGaussianMixture(twoClusters(), 2, 2, 1)
    const samples = sampleMixture(density, 500, 1, 9)
    const between = Array.from({ length: 500 }, (_, s) => samples[s * 2] as number).filter(
      (x) => Math.abs(x) < 2,
    )
    expect(between.length).toBeLessThan(10)
  })

  it('gives the same mixture and samples for the same seeds', () => {
    const a = fitGaussianMixture(twoClusters(), 2, 3, 4)
    expect(fitGaussianMixture(twoClusters(), 2, 3, 4)).toEqual(a)
    expect(sampleMixture(a, 8, 0.7, 2)).toEqual(sampleMixture(a, 8, 0.7, 2))
  })

  it('shrinks samples to the component means at temperature 0', () => {
    const density = fitGaussianMixture(twoClusters(), 2, 2, 1)
    const samples = sampleMixture(density, 20, 0, 5)
    for (let s = 0; s < 20; s++) {
      const x = samples[s * 2] as number
      expect(density.means.some((m) => Math.abs((m[0] as number) - x) < 1e-5)).toBe(true)
    }
  })

  it('stays finite when there are fewer codes than components, all alike', () => {
    const density = fitGaussianMixture(new Float32Array([1, 1, 1, 1]), 2, 10, 1)
    expect(density.weights).toHaveLength(2)
    expect(density.variances.flat().every((v) => Number.isFinite(v) && v > 0)).toBe(true)
  })
})
