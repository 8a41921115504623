/** The artist's working state, kept in the project's manifest key `workspace`. */
import { workingState, type WorkingState } from '@shared/contract'
import { readManifest, updateManifest } from './manifest'

/**
 * The saved working state, or null when there is none. A state that no longer
 * reads (edited by hand, written by another version) is dropped, not an error:
 * the project opens with a fresh view.
 */
export async function readWorkingState(projectDir: string): Promise<WorkingState | null> {
  const manifest = await readManifest(projectDir)
  const checked = workingState.safeParse(manifest.workspace)
  return checked.success ? checked.data : null
}

export async function saveWorkingState(projectDir: string, state: WorkingState): Promise<void> {
  await updateManifest(projectDir, (manifest) => {
    manifest.workspace = state
  })
}
