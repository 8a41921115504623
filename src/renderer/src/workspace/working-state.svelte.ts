/**
 * The working state of the open project (A/B, waypoints, applied vectors, the
 * map's projection, colour and camera): restored from the project when it opens,
 * saved back to it (through the engine) as it changes, and the undo history of
 * the artist's edits.
 */
import type { ProjectionSpec, WorkingState } from '@shared/contract'
import { untrack } from 'svelte'
import { applied } from '../attributes/applied.svelte'
import { engine } from '../engine/engine.svelte'
import { selection } from '../explorer/selection.svelte'
import { projectionLabel } from '../explorer/projection-label'
import { mapView } from '../explorer/view.svelte'
import { morph } from '../morph/morph.svelte'
import { project } from '../project/project.svelte'
import { editGroup, sameEdits, type Edits } from './edits'
import { UndoStack } from './undo'

/** Quiet time before a change is written, so a slider drag is one write, not fifty. */
const SAVE_DELAY_MS = 300

function currentEdits(): Edits {
  return { a: selection.a, b: selection.b, via: [...morph.via], applied: applied.uses }
}

function applyEdits(edits: Edits): void {
  selection.a = edits.a
  selection.b = edits.b
  morph.via = [...edits.via]
  applied.alphas = Object.fromEntries(edits.applied.map((use) => [use.name, use.alpha]))
  applied.keeps = Object.fromEntries(edits.applied.map((use) => [use.name, use.keep ?? []]))
}

function currentState(): WorkingState {
  return {
    ...currentEdits(),
    projection: mapView.spec,
    colour: mapView.colourKey,
    camera: mapView.camera,
  }
}

/** The map's UMAP, when the project already has it (made by `atelier project`, say), else null. */
async function madeUmap(dir: string): Promise<ProjectionSpec | null> {
  const umap: ProjectionSpec = { method: 'umap', seed: 1 }
  try {
    const status = await engine.request('map.status', { project: dir })
    const made = status.projections.some((p) => projectionLabel(p.spec) === projectionLabel(umap))
    return made ? umap : null
  } catch {
    return null
  }
}

class Workspace {
  /** The project whose saved state has been applied; nothing is saved before, so an empty view never overwrites it. */
  restored = $state<string | null>(null)
  canUndo = $state(false)
  canRedo = $state(false)
  /** Why the last save failed, in words, or null. */
  problem = $state<string | null>(null)
  private readonly history = new UndoStack<Edits>()
  /** The edits as last seen (not reactive: only compared). */
  private last: Edits = currentEdits()
  /** The state as last saved or restored, serialised. */
  private saved = ''
  private timer: ReturnType<typeof setTimeout> | null = null

  /**
   * Reads `dir`'s saved state and shows it; on failure nothing is saved until a retry works. A
   * project never looked at opens on its UMAP where one was made, since it keeps neighbours best.
   */
  async restore(dir: string): Promise<void> {
    let state: WorkingState | null
    try {
      state = await engine.request('workspace.get', { project: dir })
    } catch {
      return
    }
    if (project.dir !== dir) return
    if (state) {
      applyEdits(state)
      mapView.spec = state.projection
      mapView.colourKey = state.colour
      mapView.placeCamera(state.camera)
    } else {
      const made = await madeUmap(dir)
      if (project.dir !== dir) return
      if (made) mapView.spec = made
    }
    this.forget()
    this.saved = JSON.stringify(currentState())
    this.restored = dir
  }

  /** Another project opens: its state is not this one's, nor is the history. */
  reset(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.restored = null
    this.problem = null
    this.forget()
  }

  /** An edit happened (or nothing did): recorded for undo. */
  noteEdits(now: Edits): void {
    if (sameEdits(now, this.last)) return
    this.history.record(this.last, editGroup(this.last, now))
    this.last = now
    this.sync()
  }

  undo(): void {
    const back = this.history.undo(currentEdits())
    if (back) this.show(back)
  }

  redo(): void {
    const again = this.history.redo(currentEdits())
    if (again) this.show(again)
  }

  /** Saves the state soon, when it differs from what the project holds. */
  scheduleSave(dir: string, state: WorkingState): void {
    const text = JSON.stringify(state)
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    if (text === this.saved) return
    this.timer = setTimeout(() => {
      this.timer = null
      engine.request('workspace.save', { project: dir, state }).then(
        () => {
          this.saved = text
          this.problem = null
        },
        (error: unknown) => {
          this.problem = `The working state could not be saved in ${dir}: ${(error as Error).message}`
        },
      )
    }, SAVE_DELAY_MS)
  }

  private show(edits: Edits): void {
    this.last = edits
    applyEdits(edits)
    this.sync()
  }

  private forget(): void {
    this.history.clear()
    this.last = currentEdits()
    this.sync()
  }

  private sync(): void {
    this.canUndo = this.history.canUndo
    this.canRedo = this.history.canRedo
  }
}

export const workspace = new Workspace()
project.onSwitch(() => workspace.reset())

$effect.root(() => {
  // A project opens (or the engine comes back): show its saved state.
  $effect(() => {
    const dir = project.dir
    if (!dir || engine.connection !== 'connected' || workspace.restored === dir) return
    untrack(() => void workspace.restore(dir))
  })
  // Every edit after the restore is one step of the undo history.
  $effect(() => {
    const edits = currentEdits()
    if (workspace.restored === null) return
    untrack(() => workspace.noteEdits(edits))
  })
  // Every change after the restore is saved in the project.
  $effect(() => {
    const state = $state.snapshot(currentState()) as WorkingState
    const dir = workspace.restored
    if (dir === null || dir !== project.dir) return
    untrack(() => workspace.scheduleSave(dir, state))
  })
})
