import type { Job, NeighbourhoodScore } from '@shared/contract'
import { engine } from '../engine/engine.svelte'
import { project } from '../project/project.svelte'
import { colourPoints } from './colouring'
import { MapData } from './map-data.svelte'
import { markedStates, searchStates } from './point-states'
import type { PointStates } from './scene/layers'
import { searchPoints } from './search'
import { selection } from './selection.svelte'
import { mapView } from './view.svelte'

/** What the gestures need of the scene (`MapScene` has it). */
export interface MapPicker {
  /** The point drawn at (x, y) of the stage, or null. */
  pick(x: number, y: number): number | null
  pointsInRect(x0: number, y0: number, x1: number, y1: number): number[]
  /** The orbit controls: off while a box is drawn. */
  readonly controls: { enabled: boolean }
}

/** A pointer event as the gestures read it: where on the stage, which buttons, which keys. */
export interface MapPointer {
  x: number
  y: number
  button: number
  buttons: number
  shift: boolean
  /** Ctrl or Cmd: a click adds to the selection or takes from it. */
  additive: boolean
}

/** A shift-drag's box on the stage, corner to corner. */
export interface SelectionBox {
  x0: number
  y0: number
  x1: number
  y1: number
}

/** A press that moves less than this many pixels before it is let go is a click. */
const CLICK_SLOP_PX = 4
/** Latent neighbours shown around a clicked point. */
const NEIGHBOURS = 10

/**
 * The map view's state: its data, the search, how each point is coloured and shown, and the
 * pointer's gestures (hover, click, shift-drag box). The view draws it through `MapScene`.
 */
export class MapState {
  readonly data = new MapData()
  query = $state('')
  box = $state<SelectionBox | null>(null)
  /** Where the hovered point's card is shown, or null. */
  hoverAt = $state<{ x: number; y: number } | null>(null)
  readonly points = $derived(this.data.points)
  readonly colouring = $derived(
    this.points
      ? colourPoints(
          this.points.count,
          mapView.colourBy,
          this.points.labels,
          this.points.reconError,
        )
      : null,
  )
  /** The points the search finds, or null while there is no search. */
  readonly matches = $derived(
    this.points && this.query.trim()
      ? searchPoints(this.query, this.points.files, this.points.labels)
      : null,
  )
  /** The labels to colour by; a restored choice stays listed while the points load. */
  readonly labelKeys = $derived.by(() => {
    const keys = this.points ? this.points.labels.map((l) => `label:${l.name}`) : []
    const chosen = mapView.colourKey
    return chosen.startsWith('label:') && !keys.includes(chosen) ? [...keys, chosen] : keys
  })
  /** Each point's state from the search alone: made again only when the search changes. */
  private readonly searchStates = $derived(
    this.points ? searchStates(this.points.count, this.matches) : null,
  )
  /** What each point shows (`POINT_STATE`), or null with no points. */
  readonly pointStates = $derived<PointStates | null>(
    this.searchStates
      ? { search: this.searchStates, marks: markedStates(this.searchStates.length) }
      : null,
  )
  /** Where the press began, and whether it began a box (not reactive: only compared). */
  private down: { x: number; y: number; shift: boolean } | null = null

  /** A press: a left shift-drag starts a box; returns true then, so the orbit never sees it. */
  pointerDown(scene: MapPicker | null, at: MapPointer): boolean {
    this.down = { x: at.x, y: at.y, shift: at.shift && at.button === 0 }
    if (!this.down.shift || !scene) return false
    scene.controls.enabled = false
    this.box = { x0: at.x, y0: at.y, x1: at.x, y1: at.y }
    return true
  }

  /** A move: grows the box, or hovers the point under a pointer with no button held. */
  pointerMove(scene: MapPicker | null, at: MapPointer): void {
    if (!scene || !this.points) return
    if (this.box) {
      this.box = { ...this.box, x1: at.x, y1: at.y }
      return
    }
    if (at.buttons !== 0) return
    const hit = scene.pick(at.x, at.y)
    selection.hovered = hit
    this.hoverAt = hit === null ? null : { x: at.x, y: at.y }
  }

  /** A release: ends the box (adding its points), or is a click that picks or clears. */
  pointerUp(scene: MapPicker | null, at: MapPointer): void {
    if (!scene || !this.points) return
    const down = this.down
    if (this.box) {
      const { x0, y0, x1, y1 } = this.box
      selection.select(scene.pointsInRect(x0, y0, x1, y1), true)
      this.box = null
      scene.controls.enabled = true
    } else if (down && isClick(down, at)) this.click(scene.pick(at.x, at.y), at.additive)
    this.down = null
  }

  pointerLeave(): void {
    selection.hovered = null
    this.hoverAt = null
  }

  /** Selects every point the search found. */
  selectMatches(): void {
    if (this.matches) selection.select(Array.from(this.matches), true)
  }

  dispose(): void {
    this.data.dispose()
  }

  private click(hit: number | null, additive: boolean): void {
    if (hit === null) {
      if (!additive) selection.clear()
    } else if (additive) selection.toggle(hit)
    else {
      selection.select([hit])
      void this.showNeighbours(hit)
    }
  }

  /** Marks the clicked point's latent neighbours, while it is still the one selected. */
  private async showNeighbours(index: number): Promise<void> {
    const dir = project.dir
    if (!dir) return
    try {
      const found = await engine.request('map.neighbours', { project: dir, index, k: NEIGHBOURS })
      if (selection.selected.length === 1 && selection.selected[0] === index) {
        selection.neighbours = Array.from(found.indices)
      }
    } catch {
      selection.neighbours = []
    }
  }
}

function isClick(down: { x: number; y: number }, up: MapPointer): boolean {
  return Math.hypot(up.x - down.x, up.y - down.y) < CLICK_SLOP_PX && up.button === 0
}

/** A projection job's line: its message, with its progress when known. */
export function jobLine(job: Job): string {
  return job.progress !== null ? `${job.message} (${Math.round(job.progress * 100)}%)` : job.message
}

/** What the neighbourhood score measures, for its tooltip. */
export function neighbourhoodTitle(score: NeighbourhoodScore): string {
  const over = score.sampled ? `a sample of ${score.queries} points` : `all ${score.queries} points`
  return `Mean fraction of each point's ${score.k} nearest neighbours in latent space that stay among its ${score.k} nearest on the map (${over}).`
}

/** The share of the latent variance the three axes show, in percent. */
export function varianceShown(explained: readonly number[]): string {
  return (explained.reduce((a, b) => a + b, 0) * 100).toFixed(0)
}
