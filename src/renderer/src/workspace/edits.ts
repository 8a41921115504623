import type { WorkingState } from '@shared/contract'

/** The part of the working state that Ctrl+Z undoes: the artist's edits, not the view. */
export type Edits = Pick<WorkingState, 'a' | 'b' | 'via' | 'applied'>

/**
 * The undo group of the edit from `before` to `after`: `alpha:<name>` when only
 * that vector's alpha moved (a slider drag, undone as one step), else null.
 */
export function editGroup(before: Edits, after: Edits): string | null {
  if (before.a !== after.a || before.b !== after.b) return null
  if (before.via.join() !== after.via.join()) return null
  if (before.applied.length !== after.applied.length) return null
  let moved: string | null = null
  for (const [k, use] of after.applied.entries()) {
    const was = before.applied[k]
    if (was.name !== use.name) return null
    if (was.alpha === use.alpha) continue
    if (moved !== null) return null
    moved = use.name
  }
  return moved === null ? null : `alpha:${moved}`
}

/** True when two edit states are the same. */
export function sameEdits(x: Edits, y: Edits): boolean {
  return JSON.stringify(x) === JSON.stringify(y)
}
