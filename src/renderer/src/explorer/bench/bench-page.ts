/**
 * The map's frame-rate bench, run in Chromium by scripts/bench-map.mjs: the
 * real MapScene against a bare three.js `Points` scene (PointsMaterial,
 * vertex colours) with the same points, camera path, canvas size and time.
 */
import * as THREE from 'three'
import { colourPoints } from '../colouring'
import { POINT_STATE, pointSizeFor } from '../scene/layers'
import { MapScene } from '../scene/map-scene'

export interface BenchResult {
  count: number
  /** Interaction on the map after a camera move: hover pick (includes rebuilding the screen index), then a box selection over a quarter of the canvas, ms. */
  pickMs: number
  /** Showing a new hovered point: the new states handed to the scene and its marks redone, ms. */
  hoverMs: number
  boxMs: number
  boxCount: number
  /** The share of points the map drew (below 1 where they overlap, see level-of-detail.ts). */
  share: number
  /** Frames timed per scene. */
  frames: number
  bareFps: number
  mapFps: number
  ratio: number
  renderer: string
}

const WIDTH = 1000
const HEIGHT = 700

/** Seeded points: a mixture of 20 Gaussian blobs in about [-1, 1]. */
function cloud(n: number): Float32Array {
  let a = 12345
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
  const centres = Array.from({ length: 20 }, () => [normal() * 0.4, normal() * 0.4, normal() * 0.4])
  const out = new Float32Array(n * 3)
  for (let i = 0; i < n; i++) {
    const c = centres[Math.floor(random() * centres.length)]
    for (let k = 0; k < 3; k++) out[i * 3 + k] = c[k] + normal() * 0.15
  }
  return out
}

function box(): HTMLDivElement {
  const div = document.createElement('div')
  div.style.cssText = `width:${WIDTH}px;height:${HEIGHT}px;position:absolute;left:0;top:0`
  document.body.appendChild(div)
  return div
}

/** The camera's path: a slow orbit, the same for both scenes. */
function orbit(camera: THREE.PerspectiveCamera, frame: number): void {
  const angle = frame * 0.01
  camera.position.set(3.2 * Math.sin(angle), 0.4, 3.2 * Math.cos(angle))
  camera.lookAt(0, 0, 0)
}

/**
 * Runs `step` once per animation frame for `count` frames and returns the
 * frame intervals (ms). The first two are dropped: they hold the switch from
 * the other scene (the map draws one frame after the step that moved its camera).
 */
async function frames(count: number, step: (frame: number) => void): Promise<number[]> {
  const stamps: number[] = []
  await new Promise<void>((resolve) => {
    const tick = (now: number) => {
      stamps.push(now)
      if (stamps.length > count + 2) return resolve()
      step(stamps.length - 1)
      requestAnimationFrame(tick)
    }
    requestAnimationFrame(tick)
  })
  return stamps
    .slice(1)
    .map((t, k) => t - stamps[k])
    .slice(2)
}

const pixel = new Uint8Array(4)

/**
 * Waits until the GPU has finished the frame just drawn (a 1-pixel read, before it is presented):
 * without it an uncapped frame loop counts frames queued, not frames drawn.
 * Both scenes get the same treatment.
 */
function finish(renderer: THREE.WebGLRenderer): void {
  const gl = renderer.getContext()
  gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, pixel)
}

/** A bare three.js scene: one Points with PointsMaterial and vertex colours. */
function bareScene(positions: Float32Array, colours: Float32Array) {
  const div = box()
  const renderer = new THREE.WebGLRenderer({
    antialias: false,
    powerPreference: 'high-performance',
  })
  renderer.setPixelRatio(1)
  renderer.setSize(WIDTH, HEIGHT)
  div.appendChild(renderer.domElement)
  const scene = new THREE.Scene()
  const geometry = new THREE.BufferGeometry()
  geometry.setAttribute('position', new THREE.BufferAttribute(positions, 3))
  geometry.setAttribute('color', new THREE.BufferAttribute(colours, 3))
  const material = new THREE.PointsMaterial({
    size: pointSizeFor(positions.length / 3),
    vertexColors: true,
    sizeAttenuation: true,
  })
  scene.add(new THREE.Points(geometry, material))
  const camera = new THREE.PerspectiveCamera(50, WIDTH / HEIGHT, 0.01, 100)
  return {
    div,
    measure: (count: number, offset: number) =>
      frames(count, (frame) => {
        orbit(camera, offset + frame)
        renderer.render(scene, camera)
        finish(renderer)
      }),
    dispose: () => {
      geometry.dispose()
      material.dispose()
      renderer.dispose()
      div.remove()
    },
  }
}

/** The real map scene, driven as the orbit controls drive it (it draws in its own frame callback). */
function mapScene(positions: Float32Array, colours: Float32Array, levelOfDetail: boolean) {
  const div = box()
  const scene = new MapScene(div, null)
  scene.levelOfDetail = levelOfDetail
  scene.renderer.setPixelRatio(1)
  scene.setPoints(positions, colours)
  // Some points in each state, as on a map in use (a selection, neighbours, a search).
  const n = positions.length / 3
  const search = new Uint8Array(n)
  const marks = new Map<number, number>()
  for (let i = 0; i < n; i += 97) {
    const state = 1 + (i % 5)
    if (state === POINT_STATE.dimmed) search[i] = state
    else marks.set(i, state)
  }
  scene.setStates({ search, marks })
  // Same as the bare scene: each frame waits for its drawing, right after it is drawn.
  scene.onRender = () => finish(scene.renderer)
  return {
    div,
    measure: (count: number, offset: number) =>
      frames(count, (frame) => {
        orbit(scene.camera, offset + frame)
        scene.controls.update()
      }),
    /** The share of points the map drew. */
    share: () => scene.points.share,
    interact: () => {
      // Median of five camera moves, each followed by a hover and a box selection.
      const picks: number[] = []
      const boxes: number[] = []
      const hovers: number[] = []
      let boxCount = 0
      for (let k = 0; k < 5; k++) {
        orbit(scene.camera, 12345 + 40 * k)
        scene.controls.update()
        const t0 = performance.now()
        scene.pick(WIDTH / 2, HEIGHT / 2)
        const t1 = performance.now()
        boxCount = scene.pointsInRect(
          WIDTH / 4,
          HEIGHT / 4,
          (3 * WIDTH) / 4,
          (3 * HEIGHT) / 4,
        ).length
        picks.push(t1 - t0)
        const t2 = performance.now()
        boxes.push(t2 - t1)
        const hovered = new Map(marks).set(1 + 1009 * k, POINT_STATE.hovered)
        scene.setStates({ search, marks: hovered })
        scene.points.beforeRender(HEIGHT)
        hovers.push(performance.now() - t2)
      }
      const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[2]
      return { pickMs: mid(picks), boxMs: mid(boxes), hoverMs: mid(hovers), boxCount }
    },
    dispose: () => {
      scene.dispose()
      div.remove()
    },
  }
}

/** The q-quantile of xs, by linear interpolation. */
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b)
  const at = (s.length - 1) * q
  const lo = Math.floor(at)
  return s[lo] + (s[Math.min(s.length - 1, lo + 1)] - s[lo]) * (at - lo)
}

/**
 * Which frame interval stands for a scene: the lower quartile. Other processes on a busy
 * machine only ever add time to a frame (at load 20 on two cores one frame in two took
 * 2-5x its quiet time here); the quickest quarter is what the scene itself costs.
 */
const TYPICAL = 0.25

/**
 * Alternates short runs of the two scenes (both alive, only the measured one
 * visible), `frames` frames each, so load on the machine hits both alike; the
 * frame rates are from the TYPICAL quantile of each scene's frame intervals over all rounds.
 */
export async function runBench(
  count: number,
  frames = 5,
  rounds = 8,
  levelOfDetail = true,
): Promise<BenchResult> {
  const positions = cloud(count)
  const colours = colourPoints(count, { kind: 'none' }, [], null).colours
  for (let i = 0; i < count; i++) colours[i * 3] = (i % 7) / 7
  const bare = bareScene(positions.slice(), colours.slice())
  const map = mapScene(positions.slice(), colours.slice(), levelOfDetail)
  const show = (which: 'bare' | 'map') => {
    bare.div.style.visibility = which === 'bare' ? 'visible' : 'hidden'
    map.div.style.visibility = which === 'map' ? 'visible' : 'hidden'
  }
  // Warm-up: shader compiles and buffer uploads are not part of the frame rate.
  show('bare')
  await bare.measure(1, 0)
  show('map')
  await map.measure(1, 0)
  const intervals = { bare: [] as number[], map: [] as number[] }
  for (let round = 0; round < rounds; round++) {
    // Alternate which goes first, so neither always follows the other.
    const order: ('bare' | 'map')[] = round % 2 ? ['map', 'bare'] : ['bare', 'map']
    for (const which of order) {
      show(which)
      const got = await (which === 'bare' ? bare : map).measure(frames, round * 1000)
      console.log(`bench ${count}: round ${round} ${which} ${got.map((t) => t.toFixed(0))} ms`)
      intervals[which].push(...got)
    }
  }
  const interaction = map.interact()
  const share = map.share()
  bare.dispose()
  map.dispose()
  const probe = document.createElement('canvas').getContext('webgl2')
  const info = probe?.getExtension('WEBGL_debug_renderer_info')
  const renderer =
    info && probe ? String(probe.getParameter(info.UNMASKED_RENDERER_WEBGL)) : 'unknown'
  const bareMs = quantile(intervals.bare, TYPICAL)
  const mapMs = quantile(intervals.map, TYPICAL)
  return {
    count,
    frames: intervals.map.length,
    bareFps: 1000 / bareMs,
    mapFps: 1000 / mapMs,
    ratio: bareMs / mapMs,
    share,
    renderer,
    ...interaction,
  }
}

;(window as { runBench?: typeof runBench }).runBench = runBench
