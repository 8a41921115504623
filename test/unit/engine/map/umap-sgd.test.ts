import { describe, expect, it } from 'vitest'
import {
  CURVE_B,
  curvePower,
  layoutEpoch,
  spreadStart,
  startSchedule,
  type LayoutState,
} from '../../../../src/main/engine/map/umap-sgd'
import { edgeBalancedBounds } from '../../../../src/main/engine/map/umap-threads'
import { mulberry32 } from '../../../../src/main/engine/random'

/** A ring of n points, each joined to its two neighbours, started at random. */
function ring(n: number): LayoutState {
  const heads = Int32Array.from({ length: n + 1 }, (_, i) => 2 * i)
  const tails = new Int32Array(2 * n)
  for (let i = 0; i < n; i++) {
    tails[2 * i] = (i + n - 1) % n
    tails[2 * i + 1] = (i + 1) % n
  }
  const periods = new Float32Array(2 * n).fill(1)
  const random = mulberry32(4)
  const start = spreadStart(
    Float32Array.from({ length: n * 3 }, () => random()),
    n,
  )
  return {
    n,
    heads,
    tails,
    epochsPerSample: periods,
    ...startSchedule(periods),
    positions: Float32Array.from(start),
    snapshots: [Float32Array.from(start), Float32Array.from(start)],
  }
}

const distance = (p: Float32Array, i: number, j: number) =>
  Math.hypot(p[i * 3] - p[j * 3], p[i * 3 + 1] - p[j * 3 + 1], p[i * 3 + 2] - p[j * 3 + 2])

describe('curvePower', () => {
  it('is x^b to within 1e-6 over the range of squared distances', () => {
    for (let e = -30; e <= 30; e += 0.37) {
      const x = Math.exp(e)
      expect(Math.abs(curvePower(x) / Math.pow(x, CURVE_B) - 1)).toBeLessThan(1e-6)
    }
  })
})

describe('layoutEpoch', () => {
  it("pulls a graph's neighbours together: joined points end closer than random pairs", () => {
    const n = 60
    const state = ring(n)
    const share = { first: 0, last: n, random: mulberry32(1) }
    for (let epoch = 0; epoch < 100; epoch++) layoutEpoch(state, share, epoch, 1 - epoch / 100)
    let joined = 0
    let apart = 0
    for (let i = 0; i < n; i++) {
      joined += distance(state.positions, i, (i + 1) % n) / n
      apart += distance(state.positions, i, (i + n / 2) % n) / n
    }
    expect(joined * 3).toBeLessThan(apart)
  })

  it('moves only the points of its share, and reads the others from the last snapshot', () => {
    const n = 30
    const state = ring(n)
    const before = Float32Array.from(state.positions)
    layoutEpoch(state, { first: 10, last: 20, random: mulberry32(2) }, 1, 1)
    for (let i = 0; i < n; i++) {
      const moved = [0, 1, 2].some((c) => state.positions[i * 3 + c] !== before[i * 3 + c])
      expect(moved).toBe(i >= 10 && i < 20)
    }
    // It leaves its points in the snapshot that the next epoch reads.
    expect(Array.from(state.snapshots[0].subarray(30, 60))).toEqual(
      Array.from(state.positions.subarray(30, 60)),
    )
  })

  it('gives the same layout for the same shares and seeds, in whichever order the shares run', () => {
    const run = (order: number[]) => {
      const state = ring(40)
      const bounds = edgeBalancedBounds(state.heads, 2)
      const shares = [0, 1].map((t) => ({
        first: bounds[t],
        last: bounds[t + 1],
        random: mulberry32(7 + t),
      }))
      for (let epoch = 0; epoch < 20; epoch++)
        for (const t of order) layoutEpoch(state, shares[t], epoch, 1 - epoch / 20)
      return Array.from(state.positions)
    }
    expect(run([1, 0])).toEqual(run([0, 1]))
  })
})

describe('edgeBalancedBounds', () => {
  it('splits the points so that each thread has about half of the edges', () => {
    // Point 0 has 6 edges, the other four 2 each: 14 in all.
    const heads = new Int32Array([0, 6, 8, 10, 12, 14])
    expect(edgeBalancedBounds(heads, 2)).toEqual([0, 2, 5])
    expect(edgeBalancedBounds(heads, 1)).toEqual([0, 5])
  })
})
