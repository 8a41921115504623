/** The keyboard shortcuts: one table, read by the key handler and by the help overlay. */
import { PROJECTION_METHODS } from '@shared/contract'
import { selection } from '../explorer/selection.svelte'
import { mapView } from '../explorer/view.svelte'
import { morph } from '../morph/morph.svelte'
import { workspace } from './working-state.svelte'

export interface Shortcut {
  /** The keys as shown in the help, e.g. "Ctrl+Z". */
  keys: string
  what: string
  /** Whether a key event is this shortcut. */
  matches(event: KeyboardEvent): boolean
  run(): void
}

const command = (event: KeyboardEvent) => event.ctrlKey || event.metaKey
const plain = (key: string) => (event: KeyboardEvent) =>
  !command(event) && !event.altKey && event.key.toLowerCase() === key

/** The one selected point, if exactly one is selected. */
const single = () => (selection.selected.length === 1 ? selection.selected[0] : null)

export const SHORTCUTS: readonly Shortcut[] = [
  {
    keys: 'Ctrl+Z',
    what: 'undo the last edit (A/B, waypoints, vectors and their α)',
    matches: (e) => command(e) && !e.shiftKey && e.key.toLowerCase() === 'z',
    run: () => workspace.undo(),
  },
  {
    keys: 'Ctrl+Shift+Z',
    what: 'redo',
    matches: (e) => command(e) && e.shiftKey && e.key.toLowerCase() === 'z',
    run: () => workspace.redo(),
  },
  {
    keys: 'A',
    what: 'use the selected face as A',
    matches: plain('a'),
    run: () => {
      const index = single()
      if (index !== null) selection.pick(index, 'a')
    },
  },
  {
    keys: 'B',
    what: 'use the selected face as B',
    matches: plain('b'),
    run: () => {
      const index = single()
      if (index !== null) selection.pick(index, 'b')
    },
  },
  {
    keys: 'W',
    what: 'add the selected face as a waypoint of the morph',
    matches: plain('w'),
    run: () => morph.addSelectedAsWaypoint(),
  },
  {
    keys: 'X',
    what: 'swap A and B',
    matches: plain('x'),
    run: () => ([selection.a, selection.b] = [selection.b, selection.a]),
  },
  {
    keys: 'P',
    what: 'next projection (PCA, UMAP, latent dimensions)',
    matches: plain('p'),
    run: () => {
      const next = (PROJECTION_METHODS.indexOf(mapView.method) + 1) % PROJECTION_METHODS.length
      mapView.method = PROJECTION_METHODS[next]
    },
  },
  {
    keys: 'Esc',
    what: 'clear the selection',
    matches: (e) => e.key === 'Escape',
    run: () => selection.clear(),
  },
]

/** Inputs that take no typing: with one of them focused, keys are still shortcuts. */
const KEYLESS_INPUTS = ['checkbox', 'radio', 'range', 'button', 'submit', 'reset', 'color']

/** Keys typed into a field are the field's, not shortcuts. */
export function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target instanceof HTMLInputElement) return !KEYLESS_INPUTS.includes(target.type)
  return target.isContentEditable || ['TEXTAREA', 'SELECT'].includes(target.tagName)
}
