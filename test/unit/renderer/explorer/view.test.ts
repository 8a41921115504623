import { describe, expect, it, vi } from 'vitest'
import type { CameraPose } from '@shared/contract'

vi.mock('../../../../src/renderer/src/engine/engine.svelte', async () => ({
  engine: (await import('../support/fake-engine')).fakeEngine,
}))
const { mapView } = await import('../../../../src/renderer/src/explorer/view.svelte')
const { project } = await import('../../../../src/renderer/src/project/project.svelte')

const pose: CameraPose = { position: [0, 0, 3], target: [0, 0, 0] }

describe('how the map is looked at', () => {
  it('names the projection as a spec, and takes one back', () => {
    expect(mapView.spec).toEqual({ method: 'pca' })
    mapView.method = 'umap'
    expect(mapView.spec).toEqual({ method: 'umap', seed: 1 })
    mapView.spec = { method: 'dims', dims: [4, 5, 6] }
    expect(mapView.method).toBe('dims')
    expect(mapView.spec).toEqual({ method: 'dims', dims: [4, 5, 6] })
  })

  it('colours by nothing, the reconstruction error, or a label', () => {
    mapView.colourKey = 'none'
    expect(mapView.colourBy).toEqual({ kind: 'none' })
    mapView.colourKey = 'error'
    expect(mapView.colourBy).toEqual({ kind: 'error' })
    mapView.colourKey = 'label:hair colour'
    expect(mapView.colourBy).toEqual({ kind: 'label', name: 'hair colour' })
  })

  it('tells the scene when the camera is placed from outside, and goes home for another project', () => {
    const before = mapView.cameraSet
    mapView.placeCamera(pose)
    expect(mapView.camera).toBe(pose)
    expect(mapView.cameraSet).toBe(before + 1)
    mapView.camera = pose // the scene's own resting pose: not a placement
    expect(mapView.cameraSet).toBe(before + 1)
    mapView.method = 'umap'
    project.open('/view-another')
    expect(mapView.spec).toEqual({ method: 'pca' })
    expect(mapView.colourKey).toBe('none')
    expect(mapView.camera).toBeNull()
    expect(mapView.cameraSet).toBe(before + 2)
  })
})
