import { describe, expect, it } from 'vitest'
import {
  MIN_KEEP,
  drawOrder,
  keptShare,
  keptBySearch,
  markedPoints,
  thinnedState,
} from '../../../../src/renderer/src/explorer/scene/level-of-detail'
import { POINT_STATE } from '../../../../src/renderer/src/explorer/scene/point-colours'

describe('drawOrder', () => {
  it('is a shuffle of every point, the same each time', () => {
    const order = drawOrder(10_000)
    expect(Array.from(order).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 10_000 }, (_, i) => i),
    )
    expect(Array.from(drawOrder(10_000))).toEqual(Array.from(order))
    // A uniform sample: the first tenth holds about a tenth of the first half of the points.
    const firstHalf = order.subarray(0, 1000).filter((i) => i < 5000).length
    expect(firstHalf).toBeGreaterThan(430)
    expect(firstHalf).toBeLessThan(570)
  })
})

describe('keptShare', () => {
  it('draws everything while points overlap little', () => {
    expect(keptShare(new Float32Array([100, 200, 0]), 256, 1)).toBe(1)
    expect(keptShare(new Float32Array([1024, 1024]), 256, 1)).toBe(1)
  })

  it('draws enough that about four points remain over each pixel where most points lie', () => {
    // Most points on tiles of 16 points a pixel: a quarter of them is kept.
    expect(keptShare(new Float32Array([4096, 4096, 4096, 10]), 256, 1)).toBe(0.25)
    // Bigger points overlap sooner.
    expect(keptShare(new Float32Array([512, 512]), 256, 4)).toBe(0.5)
  })

  it('never draws less than MIN_KEEP', () => {
    expect(keptShare(new Float32Array([1e7]), 256, 1)).toBe(Math.ceil(MIN_KEEP * 16) / 16)
  })
})

describe('marked points', () => {
  const { normal, dimmed } = POINT_STATE

  it("thins the plain points and keeps the search's odd ones out, the selection and the hovered point", () => {
    const search = new Uint8Array([normal, normal, normal, normal, normal, dimmed])
    expect(thinnedState(search)).toBe(normal)
    expect(Array.from(markedPoints(search, keptBySearch(search), [1, 3]))).toEqual([5, 1, 3])
  })

  it('keeps the matches of a search that dims most points, and a mark among the dimmed', () => {
    const search = new Uint8Array([dimmed, normal, dimmed, dimmed, dimmed])
    expect(thinnedState(search)).toBe(dimmed)
    expect(Array.from(markedPoints(search, keptBySearch(search), [1, 4]))).toEqual([1, 4])
  })
})
