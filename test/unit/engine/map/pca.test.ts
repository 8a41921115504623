import { describe, expect, it } from 'vitest'
import { pca, symmetricEigen } from '../../../../src/main/engine/map/pca'
import { mulberry32 } from '../../../../src/main/engine/random'

/** An orthonormal basis of R^dim from Gram-Schmidt on seeded random vectors. */
function randomBasis(dim: number, seed: number): number[][] {
  const random = mulberry32(seed)
  const basis: number[][] = []
  while (basis.length < dim) {
    const v = Array.from({ length: dim }, () => random() - 0.5)
    for (const b of basis) {
      const dot = v.reduce((s, x, i) => s + x * b[i], 0)
      for (let i = 0; i < dim; i++) v[i] -= dot * b[i]
    }
    const norm = Math.hypot(...v)
    basis.push(v.map((x) => x / norm))
  }
  return basis
}

/**
 * Points whose covariance is known exactly: along each basis direction the
 * coefficients are ±s (balanced), so the variance along direction j is s_j^2
 * and the directions are uncorrelated.
 */
function knownData(dim: number, stds: number[], basis: number[][], offset: number[]) {
  const n = 2 ** stds.length
  const data = new Float32Array(n * dim)
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dim; d++) data[i * dim + d] = offset[d]
    stds.forEach((s, j) => {
      const coefficient = (i >> j) & 1 ? s : -s
      for (let d = 0; d < dim; d++) data[i * dim + d] += coefficient * basis[j][d]
    })
  }
  return { data, n }
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i] * b[i]
  return s
}

describe('pca', () => {
  const dim = 8
  const basis = randomBasis(dim, 7)
  const stds = [5, 3, 2, 0.5, 0.25]
  const offset = Array.from({ length: dim }, (_, d) => d - 3)
  const { data, n } = knownData(dim, stds, basis, offset)

  it('finds the known directions and variances, largest first', () => {
    const result = pca(data, n, dim)
    expect(result.variances[0]).toBeCloseTo(25, 3)
    expect(result.variances[1]).toBeCloseTo(9, 3)
    expect(result.variances[2]).toBeCloseTo(4, 3)
    expect(result.totalVariance).toBeCloseTo(25 + 9 + 4 + 0.25 + 0.0625, 3)
    for (let c = 0; c < 3; c++) {
      const component = result.components.subarray(c * dim, (c + 1) * dim)
      expect(Math.abs(dot(component, basis[c]))).toBeCloseTo(1, 5)
    }
    for (let d = 0; d < dim; d++) expect(result.mean[d]).toBeCloseTo(offset[d], 4)
  })

  it('projects each point onto the components (centred coordinates ±std)', () => {
    const result = pca(data, n, dim)
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < 3; c++) {
        expect(Math.abs(result.positions[i * 3 + c])).toBeCloseTo(stds[c], 3)
      }
    }
  })

  it('is deterministic: the largest entry of each component is positive', () => {
    const a = pca(data, n, dim)
    const flipped = knownData(
      dim,
      stds,
      basis.map((b) => b.map((x) => -x)),
      offset,
    )
    const b = pca(flipped.data, flipped.n, dim)
    for (let c = 0; c < 3; c++) {
      const component = Array.from(a.components.subarray(c * dim, (c + 1) * dim))
      const largest = component.reduce((m, x) => (Math.abs(x) > Math.abs(m) ? x : m), 0)
      expect(largest).toBeGreaterThan(0)
      const other = b.components.subarray(c * dim, (c + 1) * dim)
      expect(dot(component, other)).toBeCloseTo(1, 5)
    }
  })

  it('gives zero axes when the latents have fewer than three dimensions', () => {
    const result = pca(new Float32Array([0, 1, 2, 3, 4, 5]), 3, 2)
    expect(result.variances[2]).toBe(0)
    expect(Array.from(result.positions.filter((_, i) => i % 3 === 2))).toEqual([0, 0, 0])
  })
})

describe('symmetricEigen', () => {
  it('diagonalises a symmetric matrix: A v = lambda v', () => {
    const m = new Float64Array([4, 1, 2, 1, 3, 0.5, 2, 0.5, 1])
    const { values, vectors } = symmetricEigen(m, 3)
    for (let c = 0; c < 3; c++) {
      for (let r = 0; r < 3; r++) {
        let av = 0
        for (let k = 0; k < 3; k++) av += m[r * 3 + k] * vectors[k * 3 + c]
        expect(av).toBeCloseTo(values[c] * vectors[r * 3 + c], 10)
      }
    }
    expect(values.reduce((a, b) => a + b)).toBeCloseTo(8, 10)
  })
})
