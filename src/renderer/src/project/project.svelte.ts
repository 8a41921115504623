import { isFinished } from '@shared/contract'
import { engine } from '../engine/engine.svelte'

const STORAGE_KEY = 'atelier.project'

/**
 * The project folder the artist has open. The engine keeps none: every request
 * names it. Remembered across reloads.
 *
 * Opening another project is the one reset path of the renderer: every store that
 * holds something of a project registers with `onSwitch` and is reset before the
 * new folder is shown, and App renders the panels keyed on `dir`, so their own
 * state (lists, canvases, the map's scene) is made afresh too.
 */
class ProjectStore {
  dir = $state<string | null>(readStored())
  /**
   * Bumped when an ingest or a training finishes: the dataset's labels or the model
   * may have changed, so views that list them fetch again.
   */
  revision = $state(0)
  private readonly resets: ((dir: string | null) => void)[] = []

  /** Registers a store's reset, run whenever another project opens. */
  onSwitch(reset: (dir: string | null) => void): void {
    this.resets.push(reset)
  }

  open(dir: string): void {
    if (dir !== this.dir) for (const reset of this.resets) reset(dir)
    this.dir = dir
    try {
      localStorage.setItem(STORAGE_KEY, dir)
    } catch {
      // storage may be unavailable (private mode); the project just is not remembered
    }
  }

  /**
   * First run: opens the built-in demo (DESIGN.md "The embedded default"), made on first use
   * from the shipped model, unless the artist opened a project while it was being made.
   */
  async openDemoIfNone(): Promise<void> {
    const demo = await engine.request('demo.open', {})
    if (this.dir === null) this.open(demo.project)
  }
}

function readStored(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY)
  } catch {
    return null
  }
}

export const project = new ProjectStore()

// A finished ingest or training may have changed what the open project holds.
engine.on('job', (job) => {
  const changing = job.kind === 'ingest' || job.kind === 'train'
  if (changing && job.project === project.dir && isFinished(job.state)) project.revision++
})

// First run: with no project open, the demo opens as soon as the engine is up.
$effect.root(() => {
  let tried = false
  $effect(() => {
    if (tried || project.dir !== null || engine.connection !== 'connected') return
    tried = true
    project.openDemoIfNone().catch(() => {
      // No demo in this build: the picker's empty state stays.
    })
  })
})
