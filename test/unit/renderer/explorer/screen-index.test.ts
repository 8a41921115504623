import { describe, expect, it } from 'vitest'
import * as THREE from 'three'
import {
  ScreenIndex,
  gridSide,
  type ScreenCamera,
} from '../../../../src/renderer/src/explorer/scene/screen-index'

/**
 * An orthographic-like camera as plain matrices (column-major): x and y in
 * [-1, 1] map to the whole 200 x 100 canvas; the camera looks down -z from z = 5.
 */
const VIEW = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, -5, 1]
const VIEW_PROJECTION = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]

function indexOf(points: number[][]): ScreenIndex {
  const index = new ScreenIndex()
  index.build(new Float32Array(points.flat()), points.length)
  index.view({ viewProjection: VIEW_PROJECTION, view: VIEW, width: 200, height: 100 })
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
    expect(index.project(0)).toEqual({ x: 100, y: 50, depth: 5 })
    expect(index.project(1)).toMatchObject({ x: 0, y: 0 })
    expect(index.project(2)).toEqual({ x: 150, y: 75, depth: 5 })
    expect(index.project(4)).toBeNull()
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

/** A seeded cloud of n points in about [-1, 1]^3. */
function cloud(n: number): Float32Array {
  let a = 7
  const random = () => ((a = (a * 16807) % 2147483647) - 1) / 2147483646
  return Float32Array.from({ length: n * 3 }, () => random() * 2 - 1)
}

/** A perspective camera at `from` looking at the origin, as the map's scene makes one. */
function cameraAt(from: [number, number, number], width = 300, height = 200): ScreenCamera {
  const camera = new THREE.PerspectiveCamera(50, width / height, 0.01, 100)
  camera.position.set(...from)
  camera.lookAt(0, 0, 0)
  camera.updateMatrixWorld()
  const viewProjection = new THREE.Matrix4().multiplyMatrices(
    camera.projectionMatrix,
    camera.matrixWorldInverse,
  )
  return {
    viewProjection: viewProjection.elements,
    view: camera.matrixWorldInverse.elements,
    width,
    height,
  }
}

describe('ScreenIndex over a grid of cells, against looking at every point', () => {
  const n = 5000
  const positions = cloud(n)
  const index = new ScreenIndex()
  index.build(positions, n)

  /** Every point on the canvas, projected one by one. */
  function everyPoint(camera: ScreenCamera) {
    const out: { i: number; x: number; y: number; depth: number }[] = []
    for (let i = 0; i < n; i++) {
      const at = index.project(i)
      if (at && at.x >= 0 && at.y >= 0 && at.x < camera.width && at.y < camera.height)
        out.push({ i, ...at })
    }
    return out
  }

  // Outside the cloud, and inside it (cells behind the camera, cells around it).
  for (const from of [
    [0, 0.5, 3],
    [2, -1, 1.5],
    [0.1, 0.2, 0.3],
  ] as [number, number, number][]) {
    it(`finds the same points as a full scan, camera at ${from}`, () => {
      const camera = cameraAt(from)
      index.view(camera)
      const all = everyPoint(camera)
      expect(all.length).toBeGreaterThan(100)
      const rect = [40, 30, 220, 150]
      expect(index.inRect(rect[2], rect[3], rect[0], rect[1])).toEqual(
        all
          .filter((p) => p.x >= rect[0] && p.x <= rect[2] && p.y >= rect[1] && p.y <= rect[3])
          .map((p) => p.i),
      )
      expect(index.inRect(-50, -50, 1000, 1000)).toEqual(all.map((p) => p.i))
      for (const [x, y] of [
        [150, 100],
        [10, 190],
        [299, 0],
      ]) {
        let best: number | null = null
        let bestD = 36
        for (const p of all) {
          const d = (p.x - x) ** 2 + (p.y - y) ** 2
          if (d < bestD) [best, bestD] = [p.i, d]
        }
        expect(index.nearest(x, y, 6)).toBe(best)
      }
      const near = index.near(2).map((p) => p.index)
      expect(near.sort((a, b) => a - b)).toEqual(all.filter((p) => p.depth < 2).map((p) => p.i))
    })
  }

  it('counts the points over the screen, all of them when the cloud is in view', () => {
    index.view(cameraAt([0, 0, 4]))
    const { counts, cols, rows } = index.tileCounts(50)
    expect([cols, rows]).toEqual([6, 4])
    expect(counts.reduce((a, b) => a + b, 0)).toBe(n)
  })

  it('keeps about 32 points a cell', () => {
    expect(gridSide(1)).toBe(1)
    expect(gridSide(200_000)).toBe(18)
    expect(gridSide(1_000_000)).toBe(31)
    expect(gridSide(100_000_000)).toBe(64)
  })
})
