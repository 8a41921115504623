import { describe, expect, it } from 'vitest'
import { ScreenIndex } from '../../../../src/renderer/src/explorer/scene/screen-index'

/**
 * An orthographic-like camera as plain matrices (column-major): x and y in
 * [-1, 1] map to the whole 200 x 100 canvas; the camera looks down -z from z = 5.
 */
const VIEW = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, -5, 1]
const VIEW_PROJECTION = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]

function indexOf(points: number[][]): ScreenIndex {
  const index = new ScreenIndex()
  index.build(new Float32Array(points.flat()), points.length, VIEW_PROJECTION, VIEW, 200, 100)
  return index
}

describe('ScreenIndex', () => {
  const points = [
    [0, 0, 0], // centre: (100, 50)
    [-1, 1, 0], // top-left corner: (0, 0)
    [0.5, -0.5, 0], // (150, 75)
    [0.5, -0.5, 2], // the same spot, nearer the camera (depth 3 instead of 5)
    [0, 0, 9], // behind the camera
  ]
  const index = indexOf(points)

  it('puts points where the camera draws them, and none behind it', () => {
    expect([index.x[0], index.y[0]]).toEqual([100, 50])
    expect([index.x[1], index.y[1]]).toEqual([0, 0])
    expect([index.x[2], index.y[2], index.depth[2]]).toEqual([150, 75, 5])
    expect(Number.isNaN(index.x[4])).toBe(true)
  })

  it('picks the nearest point on screen within the radius, the nearer one on a tie', () => {
    expect(index.nearest(103, 52, 6)).toBe(0)
    expect(index.nearest(120, 50, 6)).toBeNull()
    expect(index.nearest(150, 75, 6)).toBe(3)
  })

  it('finds exactly the points inside a box, whichever corner the drag started from', () => {
    expect(index.inRect(90, 40, 160, 80)).toEqual([0, 2, 3])
    expect(index.inRect(160, 80, 90, 40)).toEqual([0, 2, 3])
    expect(index.inRect(110, 0, 140, 100)).toEqual([])
  })
})
