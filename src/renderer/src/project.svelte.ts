import { engine } from './engine/engine.svelte'

const STORAGE_KEY = 'atelier.project'

/**
 * The project folder the artist has open. The engine keeps none: every request
 * names it. Remembered across reloads.
 */
class ProjectStore {
  dir = $state<string | null>(readStored())

  open(dir: string): void {
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
