import type { Easing, Interpolation, LatentSource, Recipe } from '@shared/contract'
import { applied } from '../attributes/applied.svelte'
import { engine } from '../engine/engine.svelte'
import { selection } from '../explorer/selection.svelte'
import { project } from '../project/project.svelte'

/**
 * The morph being made: A and B come from the map's picks, with waypoints
 * between them; shared with the export panel, which exports the same recipe.
 */
class MorphState {
  interpolation = $state<Interpolation>('slerp')
  easing = $state<Easing>('linear')
  frames = $state(8)
  /** Image indices visited between A and B. */
  via = $state.raw<number[]>([])
  /** The scrub position, 0..1. */
  t = $state(0.5)
  /** A or B taken from an image file outside the dataset (encoded), instead of the map's pick. */
  fileA = $state.raw<LatentSource | null>(null)
  fileB = $state.raw<LatentSource | null>(null)

  /** The path's image indices (map picks only), A first, or null until A and B are picked. */
  get path(): number[] | null {
    if (selection.a === null || selection.b === null) return null
    return [selection.a, ...this.via, selection.b]
  }

  /** Every waypoint, A first, or null until both ends are chosen. */
  get waypoints(): LatentSource[] | null {
    const a: LatentSource | null =
      this.fileA ?? (selection.a === null ? null : { kind: 'image', index: selection.a })
    const b: LatentSource | null =
      this.fileB ?? (selection.b === null ? null : { kind: 'image', index: selection.b })
    if (!a || !b) return null
    return [a, ...this.via.map((index): LatentSource => ({ kind: 'image', index })), b]
  }

  /** Adds the first selected point that is not yet on the path as a waypoint. */
  addSelectedAsWaypoint(): void {
    const index = selection.selected.find(
      (i) => i !== selection.a && i !== selection.b && !this.via.includes(i),
    )
    if (index !== undefined) this.via = [...this.via, index]
  }

  /** Encodes an image file with the project's model and uses it as A or B. */
  async encodeFile(slot: 'a' | 'b', file: string): Promise<void> {
    const dir = project.dir
    if (!dir) throw new Error(`Open a project first: its model encodes ${file}.`)
    const { z, label } = await engine.request('create.encode', { project: dir, file })
    // Another project opened meanwhile: this code means nothing to its model.
    if (project.dir !== dir) return
    const source: LatentSource = { kind: 'code', z, label }
    if (slot === 'a') this.fileA = source
    else this.fileB = source
  }

  /** Forgets the path; codes encoded for one project mean nothing to another's model. */
  reset(): void {
    this.via = []
    this.fileA = null
    this.fileB = null
    this.t = 0.5
  }

  /** The morph as a recipe (with the attribute vectors in use), or `at` one point of it. */
  recipe(at?: number): Recipe | null {
    const waypoints = this.waypoints
    if (!waypoints) return null
    return {
      kind: 'morph',
      waypoints,
      frames: this.frames,
      interpolation: this.interpolation,
      easing: this.easing,
      ...(at !== undefined ? { at } : {}),
      attributes: applied.uses,
    }
  }
}

export const morph = new MorphState()
project.onSwitch(() => morph.reset())
