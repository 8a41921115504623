import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { MapPoints } from '@shared/contract'
import { fakeEngine } from '../support/fake-engine'

vi.mock('../../../../src/renderer/src/engine/engine.svelte', async () => ({
  engine: (await import('../support/fake-engine')).fakeEngine,
}))
const { MapState, jobLine, neighbourhoodTitle, varianceShown } =
  await import('../../../../src/renderer/src/explorer/map-state.svelte')
const { markedStates, searchStates } =
  await import('../../../../src/renderer/src/explorer/point-states')
const { POINT_STATE } = await import('../../../../src/renderer/src/explorer/scene/layers')
const { selection } = await import('../../../../src/renderer/src/explorer/selection.svelte')
const { mapView } = await import('../../../../src/renderer/src/explorer/view.svelte')
const { project } = await import('../../../../src/renderer/src/project/project.svelte')
type MapPointer = import('../../../../src/renderer/src/explorer/map-state.svelte').MapPointer

/** Four points; 0 and 1 are smiling. */
function fourPoints(): MapPoints {
  return {
    key: 'pca',
    spec: { method: 'pca' },
    count: 4,
    dim: 8,
    positions: new Float32Array(12),
    neighbourhood: null,
    seconds: 0,
    files: ['ann.png', 'bob.png', 'cat.png', 'dan.png'],
    labels: [{ name: 'smiling', kind: 'number', values: Float32Array.from([1, 1, 0, 0]) }],
    reconError: new Float32Array(4),
    modelHash: 'm1',
    imageSize: 32,
  }
}

/** A scene whose point 2 sits at (10, 10); a box holds points 0 and 1. */
function fakeScene() {
  return {
    controls: { enabled: true },
    pick: (x: number, y: number) => (Math.hypot(x - 10, y - 10) < 3 ? 2 : null),
    pointsInRect: vi.fn(() => [1, 0]),
  }
}

const at = (x: number, y: number, over: Partial<MapPointer> = {}): MapPointer => ({
  x,
  y,
  button: 0,
  buttons: 0,
  shift: false,
  additive: false,
  ...over,
})

let opened = 0
function mapWithPoints() {
  const map = new MapState()
  map.data.points = fourPoints()
  return map
}

beforeEach(() => {
  fakeEngine.reset()
  project.open(`/map-${++opened}`)
})

describe('the map’s gestures', () => {
  it('adds the points in a shift-drag box to the selection, the orbit off meanwhile', () => {
    const map = mapWithPoints()
    const scene = fakeScene()
    selection.select([3])
    expect(map.pointerDown(scene, at(0, 0, { shift: true }))).toBe(true)
    expect(scene.controls.enabled).toBe(false)
    map.pointerMove(scene, at(20, 30, { buttons: 1 }))
    expect(map.box).toEqual({ x0: 0, y0: 0, x1: 20, y1: 30 })
    map.pointerUp(scene, at(20, 30))
    expect(scene.pointsInRect).toHaveBeenCalledWith(0, 0, 20, 30)
    expect(selection.selected).toEqual([0, 1, 3])
    expect(map.box).toBeNull()
    expect(scene.controls.enabled).toBe(true)
    map.dispose()
  })

  it('leaves a plain press to the orbit controls', () => {
    const map = mapWithPoints()
    const scene = fakeScene()
    expect(map.pointerDown(scene, at(0, 0))).toBe(false)
    expect(map.pointerDown(scene, at(0, 0, { shift: true, button: 2 }))).toBe(false)
    expect(map.box).toBeNull()
    expect(scene.controls.enabled).toBe(true)
  })

  it('selects a clicked point and marks its latent neighbours', async () => {
    fakeEngine.answer('map.neighbours', ({ index }) => ({
      index,
      indices: Int32Array.from([0, 3]),
      distances: new Float32Array(2),
    }))
    const map = mapWithPoints()
    const scene = fakeScene()
    map.pointerDown(scene, at(10, 10))
    map.pointerUp(scene, at(11, 11))
    expect(selection.selected).toEqual([2])
    await vi.waitFor(() => expect(selection.neighbours).toEqual([0, 3]))
    expect(fakeEngine.lastParams('map.neighbours')).toEqual({
      project: project.dir,
      index: 2,
      k: 10,
    })
  })

  it('toggles a ctrl-clicked point, clears on a click on nothing, and ignores a drag', () => {
    const map = mapWithPoints()
    const scene = fakeScene()
    selection.select([0])
    map.pointerDown(scene, at(10, 10))
    map.pointerUp(scene, at(10, 10, { additive: true }))
    expect(selection.selected).toEqual([0, 2])
    map.pointerDown(scene, at(50, 50))
    map.pointerUp(scene, at(50, 50, { additive: true }))
    expect(selection.selected).toEqual([0, 2])
    map.pointerDown(scene, at(10, 10))
    map.pointerUp(scene, at(30, 30)) // an orbit drag, not a click
    expect(selection.selected).toEqual([0, 2])
    map.pointerDown(scene, at(50, 50))
    map.pointerUp(scene, at(50, 50))
    expect(selection.selected).toEqual([])
  })

  it('hovers the point under a pointer with no button held, and forgets it on leaving', () => {
    const map = mapWithPoints()
    const scene = fakeScene()
    map.pointerMove(scene, at(10, 10))
    expect(selection.hovered).toBe(2)
    expect(map.hoverAt).toEqual({ x: 10, y: 10 })
    map.pointerMove(scene, at(40, 40, { buttons: 1 }))
    expect(selection.hovered).toBe(2)
    map.pointerMove(scene, at(40, 40))
    expect(selection.hovered).toBeNull()
    expect(map.hoverAt).toBeNull()
    map.pointerMove(scene, at(10, 10))
    map.pointerLeave()
    expect(selection.hovered).toBeNull()
    expect(map.hoverAt).toBeNull()
  })
})

describe('what the map shows', () => {
  it('finds points by label and selects what it found', () => {
    const map = mapWithPoints()
    expect(map.matches).toBeNull()
    map.query = 'smiling'
    expect(Array.from(map.matches ?? [])).toEqual([0, 1])
    selection.select([3])
    map.selectMatches()
    expect(selection.selected).toEqual([0, 1, 3])
  })

  it('dims what a search leaves out; the hovered point wins over a pick, a pick over the selection', () => {
    selection.neighbours = [0]
    selection.select([1, 2])
    selection.pick(2)
    selection.hovered = 3
    const { dimmed, normal } = POINT_STATE
    expect(Array.from(searchStates(5, Int32Array.from([0, 1, 2, 3])))).toEqual([
      ...[normal, normal, normal, normal, dimmed],
    ])
    expect([...markedStates(5)].sort(([a], [b]) => a - b)).toEqual([
      [0, POINT_STATE.neighbour],
      [1, POINT_STATE.selected],
      [2, POINT_STATE.picked],
      [3, POINT_STATE.hovered],
    ])
    // Without a search nothing is dimmed; a mark past the points is dropped.
    expect(Array.from(searchStates(3, null))).toEqual([normal, normal, normal])
    expect([...markedStates(3).keys()].sort()).toEqual([0, 1, 2])
  })

  it('colours by the labels the points have, keeping a restored choice listed while they load', () => {
    const map = new MapState()
    mapView.colourKey = 'label:hat'
    expect(map.labelKeys).toEqual(['label:hat'])
    expect(map.colouring).toBeNull()
    map.data.points = fourPoints()
    expect(map.labelKeys).toEqual(['label:smiling', 'label:hat'])
    mapView.colourKey = 'label:smiling'
    expect(map.labelKeys).toEqual(['label:smiling'])
    expect(map.colouring?.colours).toHaveLength(12)
  })

  it('writes the footer’s figures in words', () => {
    expect(jobLine({ message: 'Projecting', progress: 0.426 } as never)).toBe('Projecting (43%)')
    expect(jobLine({ message: 'Encoding', progress: null } as never)).toBe('Encoding')
    expect(varianceShown([0.2, 0.15, 0.1])).toBe('45')
    expect(neighbourhoodTitle({ k: 10, score: 0.5, queries: 500, sampled: true })).toContain(
      '10 nearest neighbours in latent space that stay among its 10 nearest on the map (a sample of 500 points)',
    )
  })
})
