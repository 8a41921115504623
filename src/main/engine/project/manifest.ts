import { EngineError } from '@shared/protocol'
import { writeJsonAtomic } from './atomic'
import { readTextIfExists } from './read'
import { projectLayout } from './layout'

export const PROJECT_FORMAT = 1

/**
 * `atelier.json`: what a project is. Each part belongs to the feature that
 * writes it; unknown keys are kept, so an older app does not drop a newer one's data.
 */
export interface ProjectManifest {
  format: number
  createdAt: string
  [part: string]: unknown
}

/** Reads a project's manifest; a folder without one is a new, empty project. */
export async function readManifest(dir: string): Promise<ProjectManifest> {
  const path = projectLayout(dir).manifest
  const text = await readTextIfExists(path)
  if (text === null) return { format: PROJECT_FORMAT, createdAt: new Date().toISOString() }
  try {
    const manifest = JSON.parse(text) as ProjectManifest
    if (typeof manifest.format !== 'number') throw new Error('no "format" field')
    if (manifest.format > PROJECT_FORMAT) {
      throw new EngineError(
        'failed',
        `${path} was written by a newer Latent Atelier (format ${manifest.format}); update the app to open it.`,
      )
    }
    return manifest
  } catch (error) {
    if (error instanceof EngineError) throw error
    throw new EngineError(
      'failed',
      `${path} is damaged (${(error as Error).message}). Restore it from a backup, or move it away to start the project afresh.`,
    )
  }
}

/**
 * Changes one part of the manifest and writes it atomically. Updates are
 * serialised per project so two jobs cannot lose each other's changes.
 */
export function updateManifest(
  dir: string,
  change: (manifest: ProjectManifest) => void,
): Promise<ProjectManifest> {
  const previous = queues.get(dir) ?? Promise.resolve()
  const next = previous.then(async () => {
    const manifest = await readManifest(dir)
    change(manifest)
    await writeJsonAtomic(projectLayout(dir).manifest, manifest)
    return manifest
  })
  queues.set(
    dir,
    next.catch(() => undefined),
  )
  return next
}

const queues = new Map<string, Promise<unknown>>()
