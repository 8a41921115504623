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
}

function readStored(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY)
  } catch {
    return null
  }
}

export const project = new ProjectStore()
