import { z } from 'zod'
import { request } from './define'
import { projectDir } from './params'

/** The parts of a project folder that `project.check` verifies (DESIGN.md, "A project on disk"). */
export const PROJECT_PARTS = [
  'manifest',
  'dataset',
  'model',
  'checkpoint',
  'latents',
  'map',
  'exports',
  'leftover',
] as const
export type ProjectPart = (typeof PROJECT_PARTS)[number]

/**
 * How bad a problem is. `damaged`: a file cannot be used (wrong length, hash, shape, or unreadable);
 * `stale`: whole, but made from another model or dataset, so it is remade; `leftover`: a temp file or
 * an old generation a killed write left behind, harmless; `missing`: a recorded export is gone.
 */
export type ProblemSeverity = 'damaged' | 'stale' | 'leftover' | 'missing'

export interface ProjectProblem {
  part: ProjectPart
  severity: ProblemSeverity
  /** The file or folder at fault. */
  file: string
  /** What is wrong, in words. */
  message: string
  /** What `--repair` does about it, or what the artist has to do when it cannot. */
  remedy: string
  /** Whether the repair can mend it by itself. */
  repairable: boolean
}

/** Who holds a project's writer lock (`atelier.lock`). */
export interface ProjectLockHolder {
  pid: number
  host: string
  startedAt: string
  /** What holds it: 'desktop app', 'browser host', 'atelier train'... */
  app: string
  /** The folder it was taken for: a lock copied with the project does not hold the copy. */
  project: string
}

/** The verdict of `project.check`. */
export interface ProjectCheck {
  project: string
  /** No damaged part: every file the app reads matches its manifest. */
  consistent: boolean
  problems: ProjectProblem[]
  /** Another live process writes this project: repairs wait for it. */
  heldBy: ProjectLockHolder | null
  /** With `repair`: what was done, one line each; the problems are those left after it. */
  repaired: string[]
  checkedAt: string
}

export const projectRequests = {
  /**
   * Verifies every file of a project against its manifest (lengths, hashes, shapes, the model
   * generation that latents and maps name). With `repair`, rolls back to the newest consistent
   * generation and rebuilds what can be derived; never deletes exports or favourites.
   */
  'project.check': request<ProjectCheck>()(
    z.object({ project: projectDir, repair: z.boolean().default(false) }).strict(),
  ),
}

/**
 * The requests that write into their `project` and so take its writer lock (`atelier.lock`):
 * one process writes a project at a time. Reads, and exports to a folder outside the project,
 * need no lock.
 */
export const WRITER_REQUESTS: readonly string[] = [
  'dataset.ingest',
  'dataset.labels.categorical',
  'train.start',
  'map.encode',
  'map.project',
  'create.attributes.compute',
  'create.attributes.delete',
  'create.favourites.add',
  'create.favourites.remove',
  'workspace.save',
]

/** The project a request writes, or null when it only reads. */
export function projectWritten(name: string, params: unknown): string | null {
  const p = (params ?? {}) as { project?: unknown; repair?: unknown; folder?: unknown }
  if (typeof p.project !== 'string') return null
  if (WRITER_REQUESTS.includes(name)) return p.project
  if (name === 'project.check' && p.repair === true) return p.project
  if (name === 'create.export') {
    const folder = typeof p.folder === 'string' ? p.folder : null
    const inside = folder === null || folder === p.project || folder.startsWith(`${p.project}/`)
    return inside ? p.project : null
  }
  return null
}
