/**
 * The map's layers, each a small class behind one interface (as in the
 * TensorBoard projector): the point cloud and the thumbnail sprites.
 */
import * as THREE from 'three'

export interface Layer {
  readonly object: THREE.Object3D
  /** Called before each render with the drawing buffer's height in device pixels. */
  beforeRender?(bufferHeight: number): void
  dispose(): void
}

/** What a point is showing, one byte per point. */
export const POINT_STATE = {
  normal: 0,
  dimmed: 1,
  neighbour: 2,
  selected: 3,
  picked: 4,
  hovered: 5,
} as const

// Per state (POINT_STATE order): the colour mixed in, how much of it, and the size factor.
// Looked up by index rather than branched on, so every point runs the same few instructions.
const STATE_COLOURS = [
  new THREE.Vector3(0, 0, 0),
  new THREE.Vector3(0.13, 0.13, 0.15),
  new THREE.Vector3(1.0, 0.84, 0.25),
  new THREE.Vector3(1, 1, 1),
  new THREE.Vector3(1.0, 0.35, 0.6),
  new THREE.Vector3(1, 1, 1),
]
const STATE_MIX = [0, 0.82, 1, 1, 1, 1]
const STATE_GROW = [1, 1, 1.35, 1.7, 1.7, 2.2]

const pointsVertex = /* glsl */ `
attribute vec3 pointColor;
attribute float state;
uniform float pointSize;
uniform float pixelScale;
uniform vec3 stateColour[6];
uniform float stateMix[6];
uniform float stateGrow[6];
varying vec3 vColor;
void main() {
  vec4 mv = modelViewMatrix * vec4(position, 1.0);
  gl_Position = projectionMatrix * mv;
  int s = int(state + 0.5);
  gl_PointSize = pointSize * stateGrow[s] * pixelScale / -mv.z;
  vColor = mix(pointColor, stateColour[s], stateMix[s]);
}
`

const pointsFragment = /* glsl */ `
varying vec3 vColor;
void main() {
  vec2 d = gl_PointCoord - 0.5;
#ifdef ROUND
  if (dot(d, d) > 0.25) discard;
#endif
  gl_FragColor = vec4(vColor, 1.0);
}
`

/** The point size (world units) that keeps clouds of 8k..200k points readable in a [-1, 1] cube. */
export function pointSizeFor(count: number): number {
  return Math.min(0.05, Math.max(0.006, 0.55 / Math.cbrt(Math.max(1, count))))
}

/** Up to this many points are drawn round; more are drawn square (see `PointsLayer.set`). */
export const ROUND_LIMIT = 50_000

/** Every image as one point: one `THREE.Points` over Float32Array buffers. */
export class PointsLayer implements Layer {
  readonly object: THREE.Points
  readonly geometry = new THREE.BufferGeometry()
  readonly material: THREE.ShaderMaterial
  count = 0

  constructor() {
    this.material = new THREE.ShaderMaterial({
      uniforms: {
        pointSize: { value: 0.02 },
        pixelScale: { value: 400 },
        stateColour: { value: STATE_COLOURS },
        stateMix: { value: STATE_MIX },
        stateGrow: { value: STATE_GROW },
      },
      vertexShader: pointsVertex,
      fragmentShader: pointsFragment,
      defines: { ROUND: '' },
    })
    this.object = new THREE.Points(this.geometry, this.material)
    this.object.frustumCulled = false
  }

  /**
   * New positions and colours (n x 3 each). A new count takes the arrays as
   * the GPU buffers' sources; the same count copies into the current ones, so
   * no GPU buffer is orphaned (three.js frees buffers only with their geometry).
   */
  set(positions: Float32Array, colours: Float32Array): void {
    const n = positions.length / 3
    if (n !== this.count) {
      this.geometry.dispose()
      this.geometry.setAttribute('position', new THREE.BufferAttribute(positions, 3))
      this.geometry.setAttribute('pointColor', new THREE.BufferAttribute(colours, 3))
      this.geometry.setAttribute('state', new THREE.BufferAttribute(new Uint8Array(n), 1))
      this.count = n
    } else {
      this.replace('position', positions, 3)
      this.replace('pointColor', colours, 3)
    }
    this.material.uniforms.pointSize.value = pointSizeFor(n)
    // Round points cost a discard per fragment (measurably slower on software GL at
    // 200,000 points); above ROUND_LIMIT points are a pixel or two wide, where squares look the same.
    const round = n <= ROUND_LIMIT
    const isRound = 'ROUND' in this.material.defines
    if (round !== isRound) {
      if (round) this.material.defines.ROUND = ''
      else delete this.material.defines.ROUND
      this.material.needsUpdate = true
    }
  }

  setColours(colours: Float32Array): void {
    this.replace('pointColor', colours, 3)
  }

  setStates(states: Uint8Array): void {
    this.replace('state', states, 1)
  }

  beforeRender(bufferHeight: number): void {
    this.material.uniforms.pixelScale.value = bufferHeight / 2
  }

  private replace(name: string, array: Float32Array | Uint8Array, size: number): void {
    const current = this.geometry.getAttribute(name) as THREE.BufferAttribute | undefined
    if (current && current.array.length === array.length) {
      ;(current.array as Float32Array | Uint8Array).set(array)
      current.needsUpdate = true
    } else {
      this.geometry.setAttribute(name, new THREE.BufferAttribute(array, size))
    }
  }

  dispose(): void {
    this.geometry.dispose()
    this.material.dispose()
  }
}

const thumbVertex = /* glsl */ `
attribute float slot;
uniform float thumbSize;
uniform float pixelScale;
varying float vSlot;
void main() {
  vec4 mv = modelViewMatrix * vec4(position, 1.0);
  gl_Position = projectionMatrix * mv;
  gl_Position.z -= 0.002 * gl_Position.w;
  gl_PointSize = min(192.0, thumbSize * pixelScale / -mv.z);
  vSlot = slot;
}
`

const thumbFragment = /* glsl */ `
uniform sampler2D atlas;
uniform float columns;
varying float vSlot;
void main() {
  vec2 cell = vec2(mod(vSlot, columns), floor(vSlot / columns));
  vec2 uv = (cell + gl_PointCoord) / columns;
  gl_FragColor = vec4(texture2D(atlas, uv).rgb, 1.0);
}
`

/** How many thumbnails the sprite layer shows at most (an 8 x 8 atlas). */
export const ATLAS_COLUMNS = 8
export const MAX_SPRITES = ATLAS_COLUMNS * ATLAS_COLUMNS

/** Thumbnails drawn as sprites from one atlas texture, for the points nearest the camera. */
export class ThumbnailLayer implements Layer {
  readonly object: THREE.Points
  private readonly geometry = new THREE.BufferGeometry()
  private readonly material: THREE.ShaderMaterial
  private atlas: THREE.DataTexture | null = null
  /** The points shown, in atlas slot order. */
  shown: number[] = []

  constructor() {
    this.material = new THREE.ShaderMaterial({
      uniforms: {
        atlas: { value: null },
        columns: { value: ATLAS_COLUMNS },
        thumbSize: { value: 0.08 },
        pixelScale: { value: 400 },
      },
      vertexShader: thumbVertex,
      fragmentShader: thumbFragment,
    })
    this.object = new THREE.Points(this.geometry, this.material)
    this.object.frustumCulled = false
    this.object.renderOrder = 1
    this.object.visible = false
  }

  /** Shows `indices` (at most MAX_SPRITES) with their RGBA thumbnails of `size` px. */
  show(
    indices: number[],
    positions: Float32Array,
    thumbnail: (i: number) => Uint8Array | undefined,
    size: number,
    thumbSize: number,
  ): void {
    const shown = indices.filter((i) => thumbnail(i)).slice(0, MAX_SPRITES)
    this.shown = shown
    if (shown.length === 0) {
      this.object.visible = false
      return
    }
    const side = size * ATLAS_COLUMNS
    if (!this.atlas || this.atlas.image.width !== side) {
      this.atlas?.dispose()
      this.atlas = new THREE.DataTexture(new Uint8Array(side * side * 4), side, side)
      this.atlas.magFilter = THREE.LinearFilter
      this.atlas.minFilter = THREE.LinearFilter
      this.material.uniforms.atlas.value = this.atlas
    }
    const data = this.atlas.image.data as Uint8Array
    const where = new Float32Array(shown.length * 3)
    const slots = new Float32Array(shown.length)
    shown.forEach((index, slot) => {
      const rgba = thumbnail(index) as Uint8Array
      const cx = (slot % ATLAS_COLUMNS) * size
      const cy = Math.floor(slot / ATLAS_COLUMNS) * size
      for (let row = 0; row < size; row++) {
        data.set(rgba.subarray(row * size * 4, (row + 1) * size * 4), ((cy + row) * side + cx) * 4)
      }
      where.set(positions.subarray(index * 3, index * 3 + 3), slot * 3)
      slots[slot] = slot
    })
    this.atlas.needsUpdate = true
    // Frees the previous sprites' GPU buffers before new ones replace them.
    this.geometry.dispose()
    this.geometry.setAttribute('position', new THREE.BufferAttribute(where, 3))
    this.geometry.setAttribute('slot', new THREE.BufferAttribute(slots, 1))
    this.geometry.setDrawRange(0, shown.length)
    this.material.uniforms.thumbSize.value = thumbSize
    this.object.visible = true
  }

  hide(): void {
    this.shown = []
    this.object.visible = false
  }

  beforeRender(bufferHeight: number): void {
    this.material.uniforms.pixelScale.value = bufferHeight / 2
  }

  dispose(): void {
    this.geometry.dispose()
    this.material.dispose()
    this.atlas?.dispose()
  }
}
