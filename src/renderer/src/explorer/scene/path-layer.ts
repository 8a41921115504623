/**
 * The morph's path on the map: a polyline through the waypoints' 3D positions
 * (A, the waypoints, B), for the map scene to add beside its other layers.
 */
import * as THREE from 'three'
import type { Layer } from './layers'

export class PathLayer implements Layer {
  readonly object: THREE.Line
  private readonly geometry = new THREE.BufferGeometry()
  private readonly material = new THREE.LineBasicMaterial({
    color: 0xff5a99,
    transparent: true,
    opacity: 0.9,
    depthTest: false,
  })

  constructor() {
    this.object = new THREE.Line(this.geometry, this.material)
    this.object.renderOrder = 2
    this.object.frustumCulled = false
    this.object.visible = false
  }

  /** Draws the path through `indices` (dataset indices) at their `positions` (count x 3); null hides it. */
  set(positions: Float32Array, indices: number[] | null): void {
    const count = positions.length / 3
    const valid = indices?.filter((i) => Number.isInteger(i) && i >= 0 && i < count) ?? []
    this.object.visible = valid.length >= 2
    const line = new Float32Array(valid.length * 3)
    valid.forEach((i, k) => line.set(positions.subarray(i * 3, i * 3 + 3), k * 3))
    this.geometry.setAttribute('position', new THREE.BufferAttribute(line, 3))
    this.geometry.computeBoundingSphere()
  }

  dispose(): void {
    this.geometry.dispose()
    this.material.dispose()
  }
}
