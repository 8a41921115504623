import type { CameraPose, ProjectionSpec } from '@shared/contract'
import { project } from '../project/project.svelte'
import type { ColourBy } from './colouring'

/**
 * How the map is looked at: the projection, what the points are coloured by, and
 * the camera. Part of the working state kept in the project.
 */
class MapViewState {
  method = $state<ProjectionSpec['method']>('pca')
  dims = $state<[number, number, number]>([0, 1, 2])
  /** 'none', 'error' or 'label:<name>'. */
  colourKey = $state('none')
  /** The camera as last rested (raw: replaced whole, never watched deeply). */
  camera = $state.raw<CameraPose | null>(null)
  /** Bumped when the camera was set from outside (a restore); the scene then moves to it. */
  cameraSet = $state(0)

  get spec(): ProjectionSpec {
    if (this.method === 'dims') return { method: 'dims', dims: [...this.dims] }
    if (this.method === 'umap') return { method: 'umap', seed: 1 }
    return { method: this.method }
  }

  set spec(spec: ProjectionSpec) {
    this.method = spec.method
    if (spec.dims) this.dims = [...spec.dims]
  }

  get colourBy(): ColourBy {
    if (this.colourKey === 'error') return { kind: 'error' }
    if (this.colourKey.startsWith('label:')) return { kind: 'label', name: this.colourKey.slice(6) }
    return { kind: 'none' }
  }

  /** Moves the camera to `pose` (null: the home view). */
  placeCamera(pose: CameraPose | null): void {
    this.camera = pose
    this.cameraSet++
  }

  reset(): void {
    this.method = 'pca'
    this.dims = [0, 1, 2]
    this.colourKey = 'none'
    this.placeCamera(null)
  }
}

export const mapView = new MapViewState()
project.onSwitch(() => mapView.reset())
