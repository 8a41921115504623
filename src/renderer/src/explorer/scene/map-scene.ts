/**
 * The 3D map as a plain class (no Svelte): a WebGL renderer, a camera with
 * orbit controls, the layers, and a screen index for hover and box selection.
 * It renders only when something changed: `invalidate()` asks for one frame.
 */
import * as THREE from 'three'
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js'
import {
  MAX_SPRITES,
  PointsLayer,
  ThumbnailLayer,
  pointSizeFor,
  type Layer,
  type PointStates,
} from './layers'
import { PathLayer } from './path-layer'
import { keptShare } from './level-of-detail'
import { ScreenIndex } from './screen-index'
import type { CameraPose } from '@shared/contract'

/** Fetches RGBA thumbnails (size x size x 4 each) for some points. */
export type ThumbnailSource = (
  indices: number[],
) => Promise<{ size: number; rgba: Map<number, Uint8Array> }>

const HOME = new THREE.Vector3(0, 0, 3.2)
/** Fewer points than this are always all drawn. */
const LOD_MIN_POINTS = 100_000
/** The screen tile (CSS px) over which overlap is counted. */
const SHARE_TILE = 16

export class MapScene {
  readonly renderer: THREE.WebGLRenderer
  readonly camera = new THREE.PerspectiveCamera(50, 1, 0.01, 100)
  readonly controls: OrbitControls
  readonly points = new PointsLayer()
  readonly thumbnails = new ThumbnailLayer()
  readonly path = new PathLayer()
  private readonly scene = new THREE.Scene()
  private readonly layers: Layer[]
  private readonly index = new ScreenIndex()
  private readonly resize: ResizeObserver
  private positions: Float32Array = new Float32Array(0)
  private frame: number | null = null
  /** The camera version the index looks through; -1: the points changed since it was built. */
  private indexVersion = -1
  private cameraVersion = 0
  private restTimer: ReturnType<typeof setTimeout> | null = null
  private readonly thumbCache = new Map<number, Uint8Array>()
  private thumbSize = 0
  private thumbRequest = 0
  private width = 1
  private height = 1
  /** Draw only a sample of the points where they overlap (level-of-detail.ts); the bench turns it off to compare. */
  levelOfDetail = true
  /** What the drawn share was estimated for: count, canvas, camera distance (log steps). */
  private shareKey = ''
  /** Frames drawn so far (the map renders only on change; a test can watch this rest). */
  frames = 0
  /** Called after each frame is drawn (the bench waits for the GPU here). */
  onRender: (() => void) | null = null
  /** Called when the camera has rested after moving (sprites updated, index fresh on demand). */
  onCameraRest: (() => void) | null = null

  constructor(
    private readonly container: HTMLElement,
    private readonly thumbnailSource: ThumbnailSource | null = null,
  ) {
    this.renderer = new THREE.WebGLRenderer({
      antialias: false,
      powerPreference: 'high-performance',
    })
    this.renderer.setPixelRatio(Math.min(2, window.devicePixelRatio || 1))
    this.renderer.setClearColor(0x111114, 1)
    this.renderer.domElement.style.display = 'block'
    container.appendChild(this.renderer.domElement)
    this.layers = [this.points, this.thumbnails, this.path]
    for (const layer of this.layers) this.scene.add(layer.object)
    this.camera.position.copy(HOME)
    this.controls = new OrbitControls(this.camera, this.renderer.domElement)
    this.controls.enableDamping = false
    this.controls.zoomToCursor = true
    this.controls.addEventListener('change', this.onCameraChange)
    this.resize = new ResizeObserver(() => this.fit())
    this.resize.observe(container)
    this.fit()
  }

  get canvas(): HTMLCanvasElement {
    return this.renderer.domElement
  }

  get count(): number {
    return this.points.count
  }

  /** Shows new points; `positions` is kept (not copied) for picking. */
  setPoints(positions: Float32Array, colours: Float32Array): void {
    this.positions = positions
    this.points.set(positions, colours)
    this.thumbCache.clear()
    this.thumbnails.hide()
    this.indexVersion = -1
    this.shareKey = ''
    this.scheduleRest()
    this.invalidate()
  }

  setColours(colours: Float32Array): void {
    this.points.setColours(colours)
    this.invalidate()
  }

  /** Draws the morph's path through these points (dataset indices), or hides it (null). */
  setPath(positions: Float32Array, indices: number[] | null): void {
    this.path.set(positions, indices)
    this.invalidate()
  }

  setStates(states: PointStates): void {
    this.points.setStates(states)
    this.invalidate()
  }

  resetView(): void {
    this.controls.target.set(0, 0, 0)
    this.camera.position.copy(HOME)
    this.camera.up.set(0, 1, 0)
    this.controls.update()
    this.onCameraChange()
  }

  /** Where the camera stands and what it looks at. */
  get pose(): CameraPose {
    return { position: this.camera.position.toArray(), target: this.controls.target.toArray() }
  }

  /** Moves the camera to `pose` (a restored view). */
  setPose(pose: CameraPose): void {
    this.controls.target.fromArray(pose.target)
    this.camera.position.fromArray(pose.position)
    this.controls.update()
    this.onCameraChange()
  }

  /** Asks for one frame; many calls before it is drawn still draw one. */
  invalidate(): void {
    if (this.frame !== null) return
    this.frame = requestAnimationFrame(() => {
      this.frame = null
      this.renderNow()
    })
  }

  renderNow(): void {
    this.updateShare()
    const height = this.renderer.getDrawingBufferSize(new THREE.Vector2()).y
    for (const layer of this.layers) layer.beforeRender?.(height)
    this.renderer.render(this.scene, this.camera)
    this.frames++
    this.onRender?.()
  }

  /** The point under (x, y) (CSS px from the canvas's top-left), or null. */
  pick(x: number, y: number): number | null {
    this.freshIndex()
    const radius = Math.max(5, this.pointPixels() * 0.75)
    return this.index.nearest(x, y, radius)
  }

  /** The points inside a screen rectangle (CSS px from the canvas's top-left). */
  pointsInRect(x0: number, y0: number, x1: number, y1: number): number[] {
    this.freshIndex()
    return this.index.inRect(x0, y0, x1, y1)
  }

  /** Where point i is drawn (CSS px from the canvas's top-left), or null when off screen. */
  screenPosition(i: number): { x: number; y: number } | null {
    this.freshIndex()
    const at = i >= 0 && i < this.points.count ? this.index.project(i) : null
    if (!at || at.x < 0 || at.y < 0 || at.x >= this.width || at.y >= this.height) return null
    return { x: at.x, y: at.y }
  }

  dispose(): void {
    if (this.frame !== null) cancelAnimationFrame(this.frame)
    if (this.restTimer) clearTimeout(this.restTimer)
    this.resize.disconnect()
    this.controls.removeEventListener('change', this.onCameraChange)
    this.controls.dispose()
    for (const layer of this.layers) layer.dispose()
    this.renderer.dispose()
    this.renderer.domElement.remove()
  }

  private readonly onCameraChange = (): void => {
    this.cameraVersion++
    this.scheduleRest()
    this.invalidate()
  }

  private scheduleRest(): void {
    if (this.restTimer) clearTimeout(this.restTimer)
    this.restTimer = setTimeout(() => {
      this.restTimer = null
      void this.updateSprites()
      this.onCameraRest?.()
    }, 180)
  }

  private fit(): void {
    this.width = Math.max(1, this.container.clientWidth)
    this.height = Math.max(1, this.container.clientHeight)
    this.renderer.setSize(this.width, this.height)
    this.camera.aspect = this.width / this.height
    this.camera.updateProjectionMatrix()
    this.onCameraChange()
  }

  /** Buckets new points (once per new positions) and looks through the current camera. */
  private freshIndex(): void {
    if (this.indexVersion === this.cameraVersion) return
    if (this.indexVersion === -1) this.index.build(this.positions, this.points.count)
    this.camera.updateMatrixWorld()
    const viewProjection = new THREE.Matrix4().multiplyMatrices(
      this.camera.projectionMatrix,
      this.camera.matrixWorldInverse,
    )
    this.index.view({
      viewProjection: viewProjection.elements,
      view: this.camera.matrixWorldInverse.elements,
      width: this.width,
      height: this.height,
    })
    this.indexVersion = this.cameraVersion
  }

  /**
   * Thins the points where they overlap. Estimated again only when the count, the canvas or
   * the camera's distance changed (an orbit keeps the sample: no points flicker in and out).
   */
  private updateShare(): void {
    const distance = this.camera.position.distanceTo(this.controls.target)
    const key = `${this.points.count} ${this.width}x${this.height} ${Math.round(Math.log(distance) * 20)} ${this.levelOfDetail}`
    if (key === this.shareKey) return
    this.shareKey = key
    if (!this.levelOfDetail || this.points.count < LOD_MIN_POINTS) {
      this.points.setShare(1)
      return
    }
    this.freshIndex()
    const { counts } = this.index.tileCounts(SHARE_TILE)
    this.points.setShare(keptShare(counts, SHARE_TILE * SHARE_TILE, this.pointPixels() ** 2))
  }

  /** A point's drawn diameter in CSS px at the camera's distance to the target. */
  private pointPixels(): number {
    const distance = this.camera.position.distanceTo(this.controls.target)
    return (pointSizeFor(this.points.count) * (this.height / 2)) / Math.max(0.01, distance)
  }

  /**
   * Thumbnails for the points nearest the camera that would be drawn at least
   * ~40 px wide: fetched (cached), packed into the atlas, shown as sprites.
   */
  private async updateSprites(): Promise<void> {
    if (!this.thumbnailSource || this.points.count === 0) return
    this.freshIndex()
    const n = this.points.count
    this.thumbSize = pointSizeFor(n) * 3
    // Only points close enough that a thumbnail would be drawn at least ~40 px wide.
    const maxDepth = (this.thumbSize * (this.height / 2)) / 40
    const near = this.index.near(maxDepth)
    if (near.length === 0) {
      if (this.thumbnails.object.visible) {
        this.thumbnails.hide()
        this.invalidate()
      }
      return
    }
    near.sort((a, b) => a.depth - b.depth)
    const chosen = near.slice(0, MAX_SPRITES).map((p) => p.index)
    const missing = chosen.filter((i) => !this.thumbCache.has(i))
    const request = ++this.thumbRequest
    let size = 0
    if (missing.length > 0) {
      const got = await this.thumbnailSource(missing)
      size = got.size
      for (const [i, rgba] of got.rgba) this.thumbCache.set(i, rgba)
      if (this.thumbCache.size > 1024) {
        for (const key of [...this.thumbCache.keys()].slice(0, this.thumbCache.size - 1024)) {
          this.thumbCache.delete(key)
        }
      }
    } else {
      size = Math.round(Math.sqrt((this.thumbCache.get(chosen[0])?.length ?? 0) / 4))
    }
    if (request !== this.thumbRequest) return
    this.thumbnails.show(
      chosen,
      this.positions,
      (i) => this.thumbCache.get(i),
      size,
      this.thumbSize,
    )
    this.invalidate()
  }
}
