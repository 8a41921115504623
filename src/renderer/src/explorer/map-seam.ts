import type { MapPoints } from '@shared/contract'
import type { MapScene } from './scene/map-scene'

/**
 * The map's test seam: what the end-to-end tests read of the live map, on `window.__atelierMap`
 * while a map is shown. A WebGL scene's points cannot be found in the DOM, so the tests ask here
 * where a point is drawn and how many frames were rendered. Frozen and read-only; nothing in the
 * app reads it.
 */
export interface MapSeam {
  /** Points in the scene. */
  readonly count: number
  /** Frames rendered so far (the render loop sleeps until something changes). */
  readonly frames: number
  /** The key of the projection shown, or null before the first. */
  readonly spec: string | null
  /** The model checkpoint the shown points were encoded with. */
  readonly modelHash: string | null
  /** Where point i is drawn, in page coordinates, or null when off screen. */
  screenPosition(i: number): { x: number; y: number } | null
  /** Point i's position in the map's 3D space. */
  position(i: number): number[] | null
}

declare global {
  interface Window {
    __atelierMap?: MapSeam
  }
}

/** Puts the seam of `scene` (showing `points()`) on the window; returns its removal. */
export function exposeMapSeam(scene: MapScene, points: () => MapPoints | null): () => void {
  const seam: MapSeam = {
    get count() {
      return scene.count
    },
    get frames() {
      return scene.frames
    },
    get spec() {
      return points()?.key ?? null
    },
    get modelHash() {
      return points()?.modelHash ?? null
    },
    screenPosition(i) {
      const at = scene.screenPosition(i)
      if (!at) return null
      const rect = scene.canvas.getBoundingClientRect()
      return { x: rect.left + at.x, y: rect.top + at.y }
    },
    position(i) {
      const shown = points()
      return shown ? Array.from(shown.positions.subarray(i * 3, i * 3 + 3)) : null
    },
  }
  window.__atelierMap = Object.freeze(seam)
  return () => delete window.__atelierMap
}
