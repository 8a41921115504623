/**
 * What each point of the map shows (see `PointStates`): the search's part, made again only when
 * the search changes, and the selection's marks, made again at each hover.
 */
import { POINT_STATE } from './scene/layers'
import { selection } from './selection.svelte'

/** Each of `count` points' state from the search: dimmed outside it, else normal. */
export function searchStates(count: number, matches: Int32Array | null): Uint8Array {
  const states = new Uint8Array(count)
  if (matches) {
    states.fill(POINT_STATE.dimmed)
    for (const i of matches) states[i] = POINT_STATE.normal
  }
  return states
}

/**
 * The points of `count` the selection marks, the later winning: neighbours, the selection, A and
 * B, the hovered point.
 */
export function markedStates(count: number): Map<number, number> {
  const marks = new Map<number, number>()
  const mark = (indices: Iterable<number | null>, state: number) => {
    for (const i of indices) if (i !== null && i < count) marks.set(i, state)
  }
  mark(selection.neighbours, POINT_STATE.neighbour)
  mark(selection.selected, POINT_STATE.selected)
  mark([selection.a, selection.b], POINT_STATE.picked)
  mark([selection.hovered], POINT_STATE.hovered)
  return marks
}
