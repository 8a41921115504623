/**
 * What each point looks like on the GPU: one RGBA byte quad per point, the
 * colour already mixed with its state's colour and the alpha byte holding its
 * size factor. Done here once per change rather than per vertex per frame: the
 * vertex shader then reads 4 bytes and looks nothing up (software GL pays for
 * every per-vertex instruction at 200,000 points and more).
 */

/** What a point is showing, one byte per point. */
export const POINT_STATE = {
  normal: 0,
  dimmed: 1,
  neighbour: 2,
  selected: 3,
  picked: 4,
  hovered: 5,
} as const

/**
 * What every point shows, in two parts so that a hover touches two points, not a million:
 * `search` gives each point's state from the search alone (normal or dimmed) and is replaced,
 * never changed in place; `marks` holds the few points shown otherwise (neighbour, selected,
 * picked, hovered) over it.
 */
export interface PointStates {
  search: Uint8Array
  marks: ReadonlyMap<number, number>
}

// Per state (POINT_STATE order): the colour mixed in, how much of it, and the size factor.
const STATE_COLOURS = [
  [0, 0, 0],
  [0.13, 0.13, 0.15],
  [1.0, 0.84, 0.25],
  [1, 1, 1],
  [1.0, 0.35, 0.6],
  [1, 1, 1],
]
const STATE_MIX = [0, 0.82, 1, 1, 1, 1]
const STATE_GROW = [1, 1, 1.35, 1.7, 1.7, 2.2]

/** The size factor an alpha byte of 255 stands for (alpha 0 is 1x); the shader reads it so. */
export const MAX_GROW = 3

/**
 * Writes points [start, end)'s RGBA bytes into `out` (n x 4), point i at `slots[i]`
 * (the GPU buffers' order; i itself without `slots`): `colours` (n x 3, 0..1) mixed
 * with the colour of each point's state, alpha = (size factor - 1) / (MAX_GROW - 1).
 */
export function packPointColours(
  colours: Float32Array,
  states: Uint8Array,
  out: Uint8Array,
  slots: Uint32Array | null = null,
  start = 0,
  end = states.length,
): void {
  for (let i = start; i < end; i++) {
    const s = states[i] < STATE_MIX.length ? states[i] : 0
    const mix = STATE_MIX[s]
    const tint = STATE_COLOURS[s]
    const o = (slots ? slots[i] : i) * 4
    for (let k = 0; k < 3; k++) {
      const c = colours[i * 3 + k] * (1 - mix) + tint[k] * mix
      out[o + k] = Math.round(Math.min(1, Math.max(0, c)) * 255)
    }
    out[o + 3] = Math.round(((STATE_GROW[s] - 1) / (MAX_GROW - 1)) * 255)
  }
}
