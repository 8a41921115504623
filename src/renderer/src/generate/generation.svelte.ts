import type { LatentSource, Recipe } from '@shared/contract'
import { applied, currentFace } from '../attributes/applied.svelte'
import { project } from '../project/project.svelte'

export type GenerateMode = 'generate' | 'near'

/**
 * What the Generate panel makes: new faces from the prior, or "more like this"
 * around face A or a favourite. Shared with the Export panel, which exports
 * the same recipe.
 */
class Generation {
  mode = $state<GenerateMode>('generate')
  n = $state(12)
  temperature = $state(1)
  spread = $state(0.5)
  seed = $state(1)
  /** A favourite to vary instead of face A. */
  from = $state.raw<(LatentSource & { kind: 'code' }) | null>(null)

  /** The face "more like this" varies: the chosen favourite, else face A on the map. */
  get source(): LatentSource | null {
    if (this.from) return this.from
    const face = currentFace()
    return face === null ? null : { kind: 'image', index: face }
  }

  /** The recipe with the attribute vectors switched on, or null while "more like this" has no face. */
  recipe(): Recipe | null {
    const attributes = applied.uses
    if (this.mode === 'generate') {
      return {
        kind: 'generate',
        n: this.n,
        temperature: this.temperature,
        // Drawn where the training faces' codes are: the prior's empty regions decode to no one.
        density: 'fitted',
        seed: this.seed,
        attributes,
      }
    }
    const source = this.source
    if (!source) return null
    return { kind: 'near', source, n: this.n, spread: this.spread, seed: this.seed, attributes }
  }

  /** A new random seed: another set of faces. */
  dice(): void {
    this.seed = Math.floor(Math.random() * 1e6)
  }

  /** Forgets what belonged to the previous project. */
  reset(): void {
    this.from = null
  }
}

export const generation = new Generation()
project.onSwitch(() => generation.reset())
