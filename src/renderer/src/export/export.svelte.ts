import type { ExportFormat, ExportRecord, ParamsOf, Recipe, Rendered } from '@shared/contract'
import { applied, currentFace, faceRecipe, GRID_ALPHAS } from '../attributes/applied.svelte'
import { engine } from '../engine/engine.svelte'
import { TrackedJob } from '../engine/tracked-job.svelte'
import { generation } from '../generate/generation.svelte'
import { morph } from '../morph/morph.svelte'
import { showingProblem } from '../ui/problem'

/** What the Export panel exports: the morph, the face, an attribute sweep, or Generate's faces. */
export type ExportWhat = 'morph' | 'face' | 'sweep' | 'generated'

/** The export's pixel size: the model's own, or upscaled. */
export type ExportSize = 'model' | '256' | '512'

/** The recipe of what is chosen, or null with the reason it cannot be made yet. */
export interface ChosenRecipe {
  recipe: Recipe | null
  missing: string
}

/** How many recent exports the panel lists. */
const RECENT = 5

/** "1 file", "3 files". */
export function fileCount(n: number): string {
  return `${n} file${n === 1 ? '' : 's'}`
}

/** The recipe `what` names, made from the map's picks, the morph, the vectors and Generate. */
export function chooseRecipe(what: ExportWhat): ChosenRecipe {
  switch (what) {
    case 'morph':
      return { recipe: morph.recipe(), missing: 'Pick A and B on the map first.' }
    case 'face':
      return { recipe: faceRecipe(), missing: 'Pick a face (A) on the map first.' }
    case 'sweep':
      return sweepRecipe()
    case 'generated':
      return {
        recipe: generation.recipe(),
        missing: 'Pick a face (A) on the map for “more like this” in Generate.',
      }
  }
}

/** The current face along the first switched-on vector, the others applied as they are. */
function sweepRecipe(): ChosenRecipe {
  const face = currentFace()
  const attribute = applied.uses[0]?.name
  if (face === null || !attribute) {
    return { recipe: null, missing: 'Pick a face and switch on an attribute first.' }
  }
  return {
    recipe: {
      kind: 'sweep',
      sources: [{ kind: 'image', index: face }],
      attribute,
      alphas: GRID_ALPHAS,
      attributes: applied.uses.slice(1),
    },
    missing: '',
  }
}

/**
 * The Export panel's state for one project: the form, the recipe it makes, the export job
 * (its files when done), a preview, and the project's recent exports.
 */
export class ExportState {
  what = $state<ExportWhat>('morph')
  format = $state<ExportFormat>('png')
  size = $state<ExportSize>('256')
  folder = $state('')
  name = $state('')
  overwrite = $state(false)
  readonly exporting = new TrackedJob<ExportRecord>((last) => {
    if (last.state === 'done') {
      this.written = last.result ?? null
      void this.refresh()
    } else if (last.state === 'failed') this.problem = last.error
  })
  /** The files the last export wrote, with its recipe. */
  written = $state.raw<ExportRecord | null>(null)
  recent = $state.raw<ExportRecord[]>([])
  /** The frames of the last preview, or null before one. */
  previewed = $state.raw<Rendered | null>(null)
  problem = $state<string | null>(null)
  readonly chosen = $derived(chooseRecipe(this.what))

  constructor(readonly project: string) {
    void this.refresh()
  }

  get job() {
    return this.exporting.job
  }

  /** An export is being written: its message shows, and a second one waits. */
  get writing(): boolean {
    return this.job?.state === 'running'
  }

  /** Lists the project's most recent exports. */
  async refresh(): Promise<void> {
    try {
      const records = await engine.request('create.exports.list', { project: this.project })
      this.recent = records.slice(0, RECENT)
    } catch (error) {
      this.problem = (error as Error).message
    }
  }

  /** Starts the export of what is chosen, as the form says. */
  async exportNow(): Promise<void> {
    const recipe = this.chosen.recipe
    if (!recipe) return
    this.written = null
    await showingProblem(this, () =>
      this.exporting.started(
        engine.run('create.export', this.params(recipe), this.exporting.options),
      ),
    )
  }

  /** Renders what is chosen without writing a file. */
  async preview(): Promise<void> {
    const recipe = this.chosen.recipe
    if (!recipe) return
    await showingProblem(this, async () => {
      this.previewed = await engine.request('create.render', { project: this.project, recipe })
    })
  }

  dispose(): void {
    this.exporting.dispose()
  }

  private params(recipe: Recipe): ParamsOf<'create.export'> {
    const folder = this.folder.trim()
    const name = this.name.trim()
    return {
      project: this.project,
      recipe,
      format: this.format,
      size: this.size === 'model' ? 'model' : Number(this.size),
      ...(folder ? { folder } : {}),
      ...(name ? { name } : {}),
      overwrite: this.overwrite,
      pingPong: this.what === 'morph',
    }
  }
}
