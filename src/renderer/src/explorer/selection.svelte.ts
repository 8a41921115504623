import { project } from '../project/project.svelte'

/**
 * What the artist has chosen on the map, shared with the morph and attribute
 * panels: the selected points, the hovered one, and the two faces A and B to
 * morph between. Indices are dataset image indices of `project`.
 */
class MapSelection {
  /** The project the indices belong to. */
  project = $state<string | null>(null)
  /** Selected image indices, ascending (raw: never deeply proxied, 200,000 of them stay cheap). */
  selected = $state.raw<number[]>([])
  hovered = $state<number | null>(null)
  /** The faces picked for morphing. */
  a = $state<number | null>(null)
  b = $state<number | null>(null)
  /** The latent-space nearest neighbours of the last clicked point. */
  neighbours = $state.raw<number[]>([])

  /** Replaces the selection (or adds to it with `add`). */
  select(indices: number[], add = false): void {
    const next = add ? new Set([...this.selected, ...indices]) : new Set(indices)
    this.selected = [...next].sort((x, y) => x - y)
  }

  toggle(index: number): void {
    this.selected = this.selected.includes(index)
      ? this.selected.filter((i) => i !== index)
      : [...this.selected, index].sort((x, y) => x - y)
  }

  clear(): void {
    this.selected = []
    this.neighbours = []
  }

  /** Sets A or B; with no slot given, fills A first, then B, then moves B to A. */
  pick(index: number, slot?: 'a' | 'b'): void {
    if (slot === 'a' || (slot === undefined && this.a === null)) this.a = index
    else if (slot === 'b' || this.b === null) this.b = index
    else {
      this.a = this.b
      this.b = index
    }
  }

  /** Forgets everything (another project was opened). */
  reset(project: string | null): void {
    this.project = project
    this.selected = []
    this.neighbours = []
    this.hovered = null
    this.a = null
    this.b = null
  }
}

export const selection = new MapSelection()
project.onSwitch((dir) => selection.reset(dir))
