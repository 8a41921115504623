import { describe, expect, it } from 'vitest'
import { exactKnn } from '../../../../src/main/engine/map/neighbours'
import {
  epochsPerSample,
  fuzzyGraph,
  smoothedMemberships,
} from '../../../../src/main/engine/map/umap-graph'
import { mulberry32 } from '../../../../src/main/engine/random'

/** n random points in `dim` dimensions and their k-nearest graph, self first (as embedding-atlas gives it). */
function knnGraph(n: number, dim: number, k: number) {
  const random = mulberry32(9)
  const data = Float32Array.from({ length: n * dim }, () => random())
  const all = Int32Array.from({ length: n }, (_, i) => i)
  const others = exactKnn(data, n, dim, all, k - 1)
  const indices = new Int32Array(n * k)
  const distances = new Float32Array(n * k)
  for (let i = 0; i < n; i++) {
    indices[i * k] = i
    for (let j = 1; j < k; j++) {
      const t = others[i * (k - 1) + j - 1]
      indices[i * k + j] = t
      let d = 0
      for (let c = 0; c < dim; c++) d += (data[i * dim + c] - data[t * dim + c]) ** 2
      distances[i * k + j] = Math.sqrt(d)
    }
  }
  return { indices, distances }
}

describe('smoothedMemberships', () => {
  it("gives each point's nearest neighbour 1 and makes each row sum to log2(k)", () => {
    const k = 8
    const { distances } = knnGraph(50, 4, k)
    const m = smoothedMemberships(distances, 50, k)
    for (let i = 0; i < 50; i++) {
      expect(m[i * k]).toBe(0)
      expect(m[i * k + 1]).toBe(1)
      let sum = 0
      for (let j = 1; j < k; j++) sum += m[i * k + j]
      expect(sum).toBeCloseTo(Math.log2(k), 3)
    }
  })
})

describe('fuzzyGraph', () => {
  it('is symmetric, with the fuzzy union w + wᵀ - w·wᵀ of the two directions', () => {
    const k = 6
    const n = 40
    const { indices, distances } = knnGraph(n, 3, k)
    const m = smoothedMemberships(distances, n, k)
    const directed = (i: number, t: number) => {
      for (let j = 1; j < k; j++) if (indices[i * k + j] === t) return m[i * k + j]
      return 0
    }
    const g = fuzzyGraph(indices, distances, n, k)
    const weight = new Map<string, number>()
    for (let i = 0; i < n; i++) {
      for (let e = g.heads[i]; e < g.heads[i + 1]; e++) {
        const key = `${i},${g.tails[e]}`
        expect(weight.has(key)).toBe(false) // each edge once per direction
        weight.set(key, g.weights[e])
      }
    }
    for (const [key, w] of weight) {
      const [i, t] = key.split(',').map(Number)
      expect(weight.get(`${t},${i}`)).toBe(w)
      const [a, b] = [directed(i, t), directed(t, i)]
      expect(w).toBeCloseTo(a + b - a * b, 6)
    }
    // Every kNN edge is in the graph.
    for (let i = 0; i < n; i++)
      for (let j = 1; j < k; j++) expect(weight.has(`${i},${indices[i * k + j]}`)).toBe(true)
  })
})

describe('epochsPerSample', () => {
  it('samples the heaviest edge every epoch, the others as often as their weight, and drops the lightest', () => {
    const periods = epochsPerSample(new Float32Array([1, 0.5, 0.25, 0.001]), 200)
    expect(Array.from(periods)).toEqual([1, 2, 4, Infinity])
  })
})
