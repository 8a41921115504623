import { describe, expect, it } from 'vitest'
import { keptLayout, placeByNeighbours } from '../../../../src/main/engine/map/incremental'

describe('the incremental map', () => {
  it('keeps the positions of images it had, by content hash, and marks the new ones', () => {
    const earlier = new Float32Array([0, 0, 0, 1, 1, 1, 2, 2, 2])
    const { keep, kept } = keptLayout(['a', 'b', 'a'], earlier, ['b', 'new', 'a', 'a'])
    expect(kept).toBe(3)
    expect(Array.from(keep.slice(0, 3))).toEqual([1, 1, 1])
    expect(keep.slice(3, 6).every(Number.isNaN)).toBe(true)
    // A hash seen twice matches its earlier rows in order.
    expect(Array.from(keep.slice(6))).toEqual([0, 0, 0, 2, 2, 2])
  })

  it('places a new point among its latent neighbours and leaves the kept ones where they were', () => {
    // Two clusters in 2-D latent space, drawn far apart on the map.
    const latents = new Float32Array([0, 0, 0.1, 0, 0, 0.1, 10, 10, 10.1, 10, 10, 10.1, 9.9, 10])
    const keep = new Float32Array([
      -1,
      0,
      0,
      -1,
      0.1,
      0,
      -1,
      0,
      0.1,
      1,
      0,
      0,
      1,
      0.1,
      0,
      1,
      0,
      0.1,
      NaN,
      NaN,
      NaN,
    ])
    const out = placeByNeighbours(latents, 7, 2, keep, 3)
    expect(Array.from(out.slice(0, 18))).toEqual(Array.from(keep.slice(0, 18)))
    expect(out[18]).toBeCloseTo(1, 5)
    expect(out[19]).toBeGreaterThanOrEqual(0)
    expect(out[19]).toBeLessThanOrEqual(0.1)
  })
})
