import { DEFAULT_ALPHA, type AttributeUse, type Recipe } from '@shared/contract'
import { selection } from '../explorer/selection.svelte'
import { project } from '../project/project.svelte'

/**
 * The attribute vectors the artist has switched on, each with its alpha (in
 * spreads): applied to the current face, to morphs, and to exports.
 */
class AppliedAttributes {
  /** Alpha per attribute name; absent means off. */
  alphas = $state<Record<string, number>>({})
  /** Per attribute name, the attributes its edit keeps unchanged. */
  keeps = $state<Record<string, string[]>>({})

  get uses(): AttributeUse[] {
    return Object.entries(this.alphas).map(([name, alpha]) => {
      const keep = (this.keeps[name] ?? []).filter((k) => k !== name)
      return keep.length > 0 ? { name, alpha, keep } : { name, alpha }
    })
  }

  on(name: string, alpha = DEFAULT_ALPHA): void {
    this.alphas = { ...this.alphas, [name]: alpha }
  }

  off(name: string): void {
    const { [name]: _removed, ...rest } = this.alphas
    void _removed
    this.alphas = rest
  }

  set(name: string, alpha: number): void {
    this.alphas = { ...this.alphas, [name]: alpha }
  }

  /** Keeps `kept` unchanged by `name`'s edit, or stops keeping it. */
  keep(name: string, kept: string, on: boolean): void {
    const now = (this.keeps[name] ?? []).filter((k) => k !== kept)
    this.keeps = { ...this.keeps, [name]: on ? [...now, kept] : now }
  }

  clear(): void {
    this.alphas = {}
    this.keeps = {}
  }
}

export const applied = new AppliedAttributes()
project.onSwitch(() => applied.clear())

/** The face the attribute vectors are shown on: A, else the first selected point. */
export function currentFace(): number | null {
  return selection.a ?? selection.selected[0] ?? null
}

/** The current face with every switched-on vector applied. */
export function faceRecipe(): Recipe | null {
  const face = currentFace()
  if (face === null) return null
  return { kind: 'faces', sources: [{ kind: 'image', index: face }], attributes: applied.uses }
}

/** Alphas of the face x alpha preview grid. */
export const GRID_ALPHAS = [-3, -2, -1, 0, 1, 2, 3]
