import { z } from 'zod'
import { attributeUse } from './create'
import { request } from './define'
import { projectionSpec } from './map'
import { projectDir } from './params'

/**
 * The artist's working state in a project: what was picked, applied and looked
 * at, kept in the project (not the browser) so it comes back after a reload and
 * after switching away and back.
 */

const imageIndex = z.number().int().min(0).max(100_000_000)
const coordinate = z.number().min(-1e6).max(1e6)
const point3 = z.tuple([coordinate, coordinate, coordinate])

/** Where the map's camera stands and what it looks at. */
export const cameraPose = z.object({ position: point3, target: point3 }).strict()
export type CameraPose = z.infer<typeof cameraPose>

/** Everything that comes back when the project opens again. */
export const workingState = z
  .object({
    /** The faces picked as A and B (dataset image indices). */
    a: imageIndex.nullable(),
    b: imageIndex.nullable(),
    /** The morph's waypoints between A and B. */
    via: z.array(imageIndex).max(64),
    /** The attribute vectors switched on, with their alpha. */
    applied: z.array(attributeUse).max(16),
    projection: projectionSpec,
    /** What the map's points are coloured by: 'none', 'error' or 'label:<name>'. */
    colour: z.string().min(1).max(200),
    camera: cameraPose.nullable(),
  })
  .strict()
export type WorkingState = z.infer<typeof workingState>

export const workspaceRequests = {
  /** The working state saved in the project, or null when none was (or it no longer reads). */
  'workspace.get': request<WorkingState | null>()(z.object({ project: projectDir }).strict()),
  /** Saves the working state in the project (atomically, beside the rest of `atelier.json`). */
  'workspace.save': request<{ saved: true }>()(
    z.object({ project: projectDir, state: workingState }).strict(),
  ),
}
