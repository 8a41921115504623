/**
 * The map's layers, each a small class behind one interface (as in the
 * TensorBoard projector): the point cloud and the thumbnail sprites.
 */
import * as THREE from 'three'
import { drawOrder, keptBySearch, markedPoints, type SearchKept } from './level-of-detail'
import { MAX_GROW, POINT_STATE, packPointColours, type PointStates } from './point-colours'

export { POINT_STATE, type PointStates }

export interface Layer {
  readonly object: THREE.Object3D
  /** Called before each render with the drawing buffer's height in device pixels. */
  beforeRender?(bufferHeight: number): void
  dispose(): void
}

const pointsVertex = /* glsl */ `
attribute vec4 pointColor;
uniform float pointSize;
uniform float pixelScale;
varying vec3 vColor;
void main() {
  vec4 mv = modelViewMatrix * vec4(position, 1.0);
  gl_Position = projectionMatrix * mv;
  gl_PointSize = pointSize * (1.0 + pointColor.a * ${(MAX_GROW - 1).toFixed(1)}) * pixelScale / -mv.z;
  vColor = pointColor.rgb;
}
`

const pointsFragment = /* glsl */ `
varying vec3 vColor;
void main() {
#ifdef ROUND
  vec2 d = gl_PointCoord - 0.5;
  if (dot(d, d) > 0.25) discard;
#endif
  gl_FragColor = vec4(vColor, 1.0);
}
`

/** The point size (world units) that keeps clouds of 8k..200k points readable in a [-1, 1] cube. */
export function pointSizeFor(count: number): number {
  return Math.min(0.05, Math.max(0.006, 0.55 / Math.cbrt(Math.max(1, count))))
}

/** More changed points than this are uploaded as one whole buffer instead of a range each. */
const MAX_REPACKED = 256

/** Up to this many points are drawn round; more are drawn square (see `PointsLayer.set`). */
export const ROUND_LIMIT = 50_000

/**
 * Every image as one point: one `THREE.Points` over typed buffers (positions,
 * RGBA bytes) held in a shuffled order (see level-of-detail.ts), so that
 * drawing the first part of them draws a uniform sample; a second, small
 * `Points` draws the marked points while only a sample is drawn.
 */
export class PointsLayer implements Layer {
  readonly object = new THREE.Group()
  readonly material: THREE.ShaderMaterial
  count = 0
  /** The share of points drawn (1: all). */
  share = 1
  private readonly all: THREE.Points
  private readonly geometry = new THREE.BufferGeometry()
  private readonly marks: THREE.Points
  private marksGeometry = new THREE.BufferGeometry()
  private marksStale = true
  /** The positions (n x 3), colours (n x 3) and states (n) as given, in point order. */
  private positions: Float32Array = new Float32Array(0)
  private colours: Float32Array = new Float32Array(0)
  private states = new Uint8Array(0)
  /** The states as last given, to tell what changed. */
  private shown: PointStates = { search: new Uint8Array(0), marks: new Map() }
  /** The points the shown search keeps drawn at any share, found when first needed. */
  private kept: SearchKept | null = null
  /** Point i sits at slot slotOf[i] of the GPU buffers. */
  private slotOf = new Uint32Array(0)
  private packed = new THREE.BufferAttribute(new Uint8Array(0), 4, true)

  constructor() {
    this.material = new THREE.ShaderMaterial({
      uniforms: {
        pointSize: { value: 0.02 },
        pixelScale: { value: 400 },
      },
      vertexShader: pointsVertex,
      fragmentShader: pointsFragment,
      defines: { ROUND: '' },
    })
    this.all = new THREE.Points(this.geometry, this.material)
    this.marks = new THREE.Points(this.marksGeometry, this.material)
    for (const points of [this.all, this.marks]) {
      points.frustumCulled = false
      this.object.add(points)
    }
    this.marks.visible = false
  }

  /**
   * New positions and colours (n x 3 each; `positions` is kept). A new count
   * makes new GPU buffers; the same count copies into the current ones, so no
   * GPU buffer is orphaned (three.js frees buffers only with their geometry).
   */
  set(positions: Float32Array, colours: Float32Array): void {
    const n = positions.length / 3
    this.positions = positions
    if (n !== this.count) {
      this.geometry.dispose()
      const order = drawOrder(n)
      this.slotOf = new Uint32Array(n)
      for (let slot = 0; slot < n; slot++) this.slotOf[order[slot]] = slot
      this.geometry.setAttribute('position', new THREE.BufferAttribute(new Float32Array(n * 3), 3))
      this.packed = new THREE.BufferAttribute(new Uint8Array(n * 4), 4, true)
      this.geometry.setAttribute('pointColor', this.packed)
      this.states = new Uint8Array(n)
      this.shown = { search: new Uint8Array(0), marks: new Map() }
      this.count = n
    }
    const slotted = this.geometry.getAttribute('position') as THREE.BufferAttribute
    const out = slotted.array as Float32Array
    for (let i = 0; i < n; i++) out.set(positions.subarray(i * 3, i * 3 + 3), this.slotOf[i] * 3)
    slotted.needsUpdate = true
    this.setColours(colours)
    this.setShare(this.share)
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
    this.colours = colours
    packPointColours(colours, this.states, this.packed.array as Uint8Array, this.slotOf)
    this.packed.clearUpdateRanges()
    this.packed.needsUpdate = true
    this.marksStale = true
  }

  /**
   * New states: after a new search every point is repacked; after a new hover or selection,
   * only the points whose mark changed (a hover: two).
   */
  setStates(states: PointStates): void {
    if (states.search.length !== this.count) return
    const { search, marks } = states
    const changed = search === this.shown.search ? changedMarks(this.shown.marks, marks) : null
    this.shown = states
    if (changed?.length === 0) return
    if (changed === null) this.kept = null
    const bytes = this.packed.array as Uint8Array
    if (changed === null || changed.length > MAX_REPACKED) {
      this.states.set(search)
      for (const [i, state] of marks) this.states[i] = state
      packPointColours(this.colours, this.states, bytes, this.slotOf)
      this.packed.clearUpdateRanges()
    } else {
      for (const i of changed) {
        this.states[i] = marks.get(i) ?? (search[i] as number)
        packPointColours(this.colours, this.states, bytes, this.slotOf, i, i + 1)
        this.packed.addUpdateRange(this.slotOf[i] * 4, 4)
      }
    }
    this.packed.needsUpdate = true
    this.marksStale = true
  }

  /** Draws this share (0..1] of the points, a uniform sample, and every marked point. */
  setShare(share: number): void {
    this.share = share
    this.geometry.setDrawRange(0, share >= 1 ? Infinity : Math.round(share * this.count))
    this.marks.visible = share < 1
  }

  beforeRender(bufferHeight: number): void {
    this.material.uniforms.pixelScale.value = bufferHeight / 2
    if (this.marks.visible && this.marksStale) this.updateMarks()
  }

  /** Copies the marked points into the marks' own buffers. */
  private updateMarks(): void {
    this.marksStale = false
    const { search, marks } = this.shown
    this.kept ??= keptBySearch(search)
    const marked = markedPoints(search, this.kept, marks.keys())
    let where = this.marksGeometry.getAttribute('position') as THREE.BufferAttribute | undefined
    if (!where || where.count < marked.length) {
      this.marksGeometry.dispose()
      this.marksGeometry = new THREE.BufferGeometry()
      const capacity = Math.max(64, 2 ** Math.ceil(Math.log2(Math.max(1, marked.length))))
      where = new THREE.BufferAttribute(new Float32Array(capacity * 3), 3)
      this.marksGeometry.setAttribute('position', where)
      this.marksGeometry.setAttribute(
        'pointColor',
        new THREE.BufferAttribute(new Uint8Array(capacity * 4), 4, true),
      )
      this.marks.geometry = this.marksGeometry
    }
    const colour = this.marksGeometry.getAttribute('pointColor') as THREE.BufferAttribute
    const xyz = where.array as Float32Array
    const rgba = colour.array as Uint8Array
    const bytes = this.packed.array as Uint8Array
    // Element by element: a subarray per point costs more than the copy (10,000 marks: ms).
    for (let k = 0; k < marked.length; k++) {
      const i = marked[k] as number
      const slot = this.slotOf[i] as number
      for (let c = 0; c < 3; c++) xyz[k * 3 + c] = this.positions[i * 3 + c] as number
      for (let c = 0; c < 4; c++) rgba[k * 4 + c] = bytes[slot * 4 + c] as number
    }
    where.needsUpdate = true
    colour.needsUpdate = true
    this.marksGeometry.setDrawRange(0, marked.length)
  }

  dispose(): void {
    this.geometry.dispose()
    this.marksGeometry.dispose()
    this.material.dispose()
  }
}

/** The points marked otherwise in `next` than in `previous` (or in only one of them). */
function changedMarks(
  previous: ReadonlyMap<number, number>,
  next: ReadonlyMap<number, number>,
): number[] {
  const changed: number[] = []
  for (const [i, state] of next) if (previous.get(i) !== state) changed.push(i)
  for (const i of previous.keys()) if (!next.has(i)) changed.push(i)
  return changed
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
