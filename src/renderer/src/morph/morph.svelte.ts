import type { LatentSource, Recipe } from '@shared/contract'
import { applied } from '../attributes/applied.svelte'
import { selection } from '../explorer/selection.svelte'

export type Interpolation = 'linear' | 'slerp'
export type Easing = 'linear' | 'ease-in-out' | 'ease-in' | 'ease-out'

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

  /** The path's image indices, A first, or null until A and B are picked. */
  get path(): number[] | null {
    if (selection.a === null || selection.b === null) return null
    return [selection.a, ...this.via, selection.b]
  }

  /** The morph as a recipe (with the attribute vectors in use), or `at` one point of it. */
  recipe(at?: number): Recipe | null {
    const path = this.path
    if (!path) return null
    const waypoints: LatentSource[] = path.map((index) => ({ kind: 'image', index }))
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
